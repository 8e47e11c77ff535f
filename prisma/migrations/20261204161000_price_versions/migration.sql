-- Price versions: a price change adds a version, and subscriptions keep the version they bought.

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN "priceVersion" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN "planPriceVersion" INTEGER;

-- AlterTable
ALTER TABLE "PlanMigration" ADD COLUMN "toPriceVersion" INTEGER;

-- CreateTable
CREATE TABLE "PlanPriceVersion" (
    "planCode" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT,

    CONSTRAINT "PlanPriceVersion_pkey" PRIMARY KEY ("planCode","version")
);

-- CreateIndex
CREATE INDEX "Subscription_planCode_planPriceVersion_idx" ON "Subscription"("planCode", "planPriceVersion");

-- AddForeignKey
ALTER TABLE "PlanPriceVersion" ADD CONSTRAINT "PlanPriceVersion_planCode_fkey" FOREIGN KEY ("planCode") REFERENCES "Plan"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Version 1 of every plan there is: its price now, dated from the plan's creation.
INSERT INTO "PlanPriceVersion" ("planCode", "version", "amountCents", "currency", "createdAt")
SELECT "code", 1, "amountCents", "currency", "createdAt" FROM "Plan";

-- Every plan inserted from now on gets its first version in the same statement, however it is
-- created (the seed, the catalogue API, an import), so a plan never lacks the version it is on.
-- The body's semicolons are written \073 (see 20261203150100_api_keys_audit: the migration runner
-- splits scripts at every semicolon).
CREATE FUNCTION "plan_first_price_version"() RETURNS trigger LANGUAGE plpgsql AS E'BEGIN INSERT INTO "PlanPriceVersion" ("planCode", "version", "amountCents", "currency", "createdAt") VALUES (NEW."code", NEW."priceVersion", NEW."amountCents", NEW."currency", NEW."createdAt")\073 RETURN NEW\073 END\073';

CREATE TRIGGER "Plan_first_price_version" AFTER INSERT ON "Plan"
  FOR EACH ROW EXECUTE FUNCTION "plan_first_price_version"();
