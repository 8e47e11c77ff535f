-- Metered add-ons: a third kind, priced by their usage per period.
ALTER TYPE "AddOnKind" ADD VALUE IF NOT EXISTS 'metered';

-- AlterTable
ALTER TABLE "AddOn" ADD COLUMN "pricing" JSONB;

-- CreateTable
CREATE TABLE "UsageEvent" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "idempotencyId" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "properties" JSONB,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UsageEvent_subscriptionId_idempotencyId_key" ON "UsageEvent"("subscriptionId", "idempotencyId");

-- CreateIndex
CREATE INDEX "UsageEvent_subscriptionId_metric_occurredAt_idx" ON "UsageEvent"("subscriptionId", "metric", "occurredAt");
