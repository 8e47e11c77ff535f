-- Quotes: a plan and package items offered to a customer, accepted into a subscription.
CREATE TABLE "Quote" (
    "id" TEXT NOT NULL,
    "customerId" TEXT,
    "customerEmail" TEXT NOT NULL,
    "customerName" TEXT,
    "language" TEXT NOT NULL DEFAULT 'en',
    "planCode" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "items" JSONB NOT NULL,
    "coupon" TEXT,
    "paymentMethod" TEXT,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "acceptedAt" TIMESTAMP(3),
    "canceledAt" TIMESTAMP(3),
    "subscriptionId" TEXT,
    "tokenHash" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Quote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Quote_subscriptionId_key" ON "Quote"("subscriptionId");

-- CreateIndex
CREATE UNIQUE INDEX "Quote_tokenHash_key" ON "Quote"("tokenHash");

-- CreateIndex
CREATE INDEX "Quote_createdAt_id_idx" ON "Quote"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Quote_status_createdAt_id_idx" ON "Quote"("status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Quote_customerEmail_createdAt_id_idx" ON "Quote"("customerEmail", "createdAt", "id");
