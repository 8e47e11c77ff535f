-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('pending', 'sent', 'failed');

-- AlterTable
ALTER TABLE "PaymentAttempt" ADD COLUMN     "paidInvoiceId" TEXT;

-- AlterTable
ALTER TABLE "EmailMessage" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failedAt" TIMESTAMP(3),
ADD COLUMN     "intent" JSONB,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "status" "EmailStatus" NOT NULL DEFAULT 'pending';

-- Emails sent before this migration.
UPDATE "EmailMessage" SET "status" = 'sent' WHERE "sentAt" IS NOT NULL;

-- Attempts that paid their invoice before this migration (one per invoice: the first).
UPDATE "PaymentAttempt" AS a SET "paidInvoiceId" = a."invoiceId"
WHERE a."outcome" = 'succeeded'
  AND a."id" = (SELECT b."id" FROM "PaymentAttempt" AS b WHERE b."invoiceId" = a."invoiceId" AND b."outcome" = 'succeeded' ORDER BY b."attempt" LIMIT 1);

-- AlterTable
ALTER TABLE "CreditNote" ADD COLUMN     "periodIndex" INTEGER;

-- CreateTable
CREATE TABLE "CreditEntry" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "cause" TEXT NOT NULL,
    "invoiceNumber" TEXT,
    "periodIndex" INTEGER,
    "balanceAfterCents" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CreditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PaymentAttempt_paidInvoiceId_key" ON "PaymentAttempt"("paidInvoiceId");

-- CreateIndex
CREATE INDEX "EmailMessage_status_createdAt_idx" ON "EmailMessage"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "CreditEntry_key_key" ON "CreditEntry"("key");

-- CreateIndex
CREATE INDEX "CreditEntry_subscriptionId_createdAt_idx" ON "CreditEntry"("subscriptionId", "createdAt");
