-- Physical deliveries: recurring add-ons shipped every period, and a delivery per period.
ALTER TABLE "AddOn" ADD COLUMN "shipsEachPeriod" BOOLEAN NOT NULL DEFAULT false;

-- Where a subscription's shipping add-ons go, null for the billing profile's address
ALTER TABLE "Subscription" ADD COLUMN "deliveryAddress" JSONB;

-- CreateTable
CREATE TABLE "Delivery" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "addOnCode" TEXT NOT NULL,
    "addOnName" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "periodStart" TIMESTAMP(3) NOT NULL,
    "periodEnd" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "address" JSONB,
    "cutoffAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Delivery_subscriptionId_addOnCode_periodStart_key" ON "Delivery"("subscriptionId", "addOnCode", "periodStart");

-- CreateIndex
CREATE INDEX "Delivery_subscriptionId_periodStart_idx" ON "Delivery"("subscriptionId", "periodStart");
