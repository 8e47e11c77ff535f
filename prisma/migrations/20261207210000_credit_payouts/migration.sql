-- Account credit paid back to the card when a subscription ends: a refund of a charge that is not a credit note.
CREATE TABLE "CreditPayout" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "gatewayRefundId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CreditPayout_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "CreditPayout_idempotencyKey_key" ON "CreditPayout"("idempotencyKey");

CREATE INDEX "CreditPayout_invoiceId_idx" ON "CreditPayout"("invoiceId");

CREATE INDEX "CreditPayout_subscriptionId_idx" ON "CreditPayout"("subscriptionId");

ALTER TABLE "CreditPayout" ADD CONSTRAINT "CreditPayout_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
