-- AlterTable
ALTER TABLE "PaymentAttempt" ADD COLUMN     "actionUrl" TEXT,
ADD COLUMN     "gateway" TEXT NOT NULL DEFAULT 'sandbox',
ADD COLUMN     "pendingReason" TEXT;

-- CreateTable
CREATE TABLE "GatewayCustomer" (
    "gateway" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "gatewayCustomerId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GatewayCustomer_pkey" PRIMARY KEY ("gateway","customerId")
);

-- CreateTable
CREATE TABLE "GatewayEvent" (
    "gateway" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "subscriptionIds" TEXT[],
    "payload" JSONB NOT NULL,

    CONSTRAINT "GatewayEvent_pkey" PRIMARY KEY ("gateway","eventId")
);

-- CreateTable
CREATE TABLE "Dispute" (
    "id" TEXT NOT NULL,
    "gateway" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "gatewayChargeId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dispute_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "GatewayCustomer_gateway_gatewayCustomerId_key" ON "GatewayCustomer"("gateway", "gatewayCustomerId");

-- CreateIndex
CREATE INDEX "GatewayEvent_receivedAt_idx" ON "GatewayEvent"("receivedAt");

-- CreateIndex
CREATE INDEX "Dispute_invoiceId_idx" ON "Dispute"("invoiceId");

-- AddForeignKey
ALTER TABLE "GatewayCustomer" ADD CONSTRAINT "GatewayCustomer_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
