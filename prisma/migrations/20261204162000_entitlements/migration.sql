-- Features: the keys a plan or a recurring add-on grants (what a customer's app gates on).
ALTER TABLE "Plan" ADD COLUMN "features" JSONB NOT NULL DEFAULT '[]';
ALTER TABLE "AddOn" ADD COLUMN "features" JSONB NOT NULL DEFAULT '[]';

-- The seeded tiers' features (domain/plans.ts), once: later edits are the operators'.
UPDATE "Plan" SET "features" = '["api"]' WHERE "product" = 'basic';
UPDATE "Plan" SET "features" = '["api", "priority-support", "sso-lite"]' WHERE "product" = 'pro';
UPDATE "Plan" SET "features" = '["api", "audit-log", "priority-support", "sso", "sso-lite"]' WHERE "product" = 'business';

-- What each customer is entitled to now, kept by the subscription projection.
CREATE TABLE "CustomerEntitlement" (
    "customerId" TEXT NOT NULL,
    "features" JSONB NOT NULL DEFAULT '[]',
    "limits" JSONB NOT NULL DEFAULT '{}',
    "subscriptions" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL DEFAULT 0,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CustomerEntitlement_pkey" PRIMARY KEY ("customerId")
);

ALTER TABLE "CustomerEntitlement" ADD CONSTRAINT "CustomerEntitlement_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
