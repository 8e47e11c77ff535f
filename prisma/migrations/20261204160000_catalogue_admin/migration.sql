-- AlterEnum
ALTER TYPE "AddOnKind" ADD VALUE IF NOT EXISTS 'metered';

-- CreateTable
CREATE TABLE "Product" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("code")
);

-- Seed: one product for every product string plans already name (the seeded ones get their
-- catalogue names, any other keeps its code as its name until an operator renames it).
INSERT INTO "Product" ("code", "name", "updatedAt")
SELECT DISTINCT "product",
       CASE "product" WHEN 'basic' THEN 'Basic' WHEN 'pro' THEN 'Pro' WHEN 'business' THEN 'Business' ELSE "product" END,
       CURRENT_TIMESTAMP
FROM "Plan";

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "AddOn" ADD COLUMN     "archivedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Coupon" ADD COLUMN     "appliesToPlans" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "archivedAt" TIMESTAMP(3),
ADD COLUMN     "maxRedemptions" INTEGER,
ADD COLUMN     "redeemBy" TIMESTAMP(3),
ADD COLUMN     "redemptions" INTEGER NOT NULL DEFAULT 0;

-- A redemption never counts past its limit, whatever writes it.
ALTER TABLE "Coupon" ADD CONSTRAINT "Coupon_redemptions_within_limit" CHECK ("redemptions" >= 0 AND ("maxRedemptions" IS NULL OR "redemptions" <= "maxRedemptions"));

-- CreateIndex
CREATE INDEX "Product_createdAt_code_idx" ON "Product"("createdAt", "code");

-- CreateIndex
CREATE INDEX "Product_active_createdAt_code_idx" ON "Product"("active", "createdAt", "code");

-- CreateIndex
CREATE INDEX "Plan_createdAt_code_idx" ON "Plan"("createdAt", "code");

-- CreateIndex
CREATE INDEX "Plan_active_createdAt_code_idx" ON "Plan"("active", "createdAt", "code");

-- CreateIndex
CREATE INDEX "Plan_product_createdAt_code_idx" ON "Plan"("product", "createdAt", "code");

-- CreateIndex
CREATE INDEX "Plan_currency_createdAt_code_idx" ON "Plan"("currency", "createdAt", "code");

-- CreateIndex
CREATE INDEX "AddOn_createdAt_code_idx" ON "AddOn"("createdAt", "code");

-- CreateIndex
CREATE INDEX "AddOn_active_createdAt_code_idx" ON "AddOn"("active", "createdAt", "code");

-- CreateIndex
CREATE INDEX "Coupon_createdAt_code_idx" ON "Coupon"("createdAt", "code");

-- CreateIndex
CREATE INDEX "Coupon_active_createdAt_code_idx" ON "Coupon"("active", "createdAt", "code");

-- CreateIndex
CREATE INDEX "Coupon_currency_createdAt_code_idx" ON "Coupon"("currency", "createdAt", "code");

-- AddForeignKey
ALTER TABLE "Plan" ADD CONSTRAINT "Plan_product_fkey" FOREIGN KEY ("product") REFERENCES "Product"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
