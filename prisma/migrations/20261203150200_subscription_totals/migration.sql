-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "currency" VARCHAR(3),
ADD COLUMN     "monthlyAmountCents" INTEGER;

-- CreateTable
CREATE TABLE "SubscriptionTotal" (
    "currency" VARCHAR(3) NOT NULL,
    "status" "SubscriptionStatus" NOT NULL,
    "subscriptions" INTEGER NOT NULL,
    "monthlyAmountCents" BIGINT NOT NULL,

    CONSTRAINT "SubscriptionTotal_pkey" PRIMARY KEY ("currency","status")
);

-- CreateTable
CREATE TABLE "StatusFlow" (
    "month" DATE NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "from" "SubscriptionStatus" NOT NULL,
    "to" "SubscriptionStatus" NOT NULL,
    "changes" INTEGER NOT NULL,
    "monthlyAmountCents" BIGINT NOT NULL,

    CONSTRAINT "StatusFlow_pkey" PRIMARY KEY ("month","currency","from","to")
);

-- Backfill: rows the projection already wrote get the catalogue price of their plan per month
-- (domain/plans.ts monthlyAmountCents): the next projection write replaces it with the price in the workflow state.
UPDATE "Subscription" AS s
SET "currency" = p."currency",
    "monthlyAmountCents" = round(p."amountCents"::numeric / (
      CASE p."intervalUnit"
        WHEN 'second' THEN 12::numeric / 31556952
        WHEN 'day' THEN 12::numeric / 365
        WHEN 'week' THEN 12::numeric / 52
        WHEN 'month' THEN 1::numeric
        WHEN 'year' THEN 12::numeric
      END * p."intervalCount"))::integer
FROM "Plan" AS p
WHERE p."code" = s."planCode" AND s."stateVersion" > 0;

-- The totals are a full recomputation once: from here on the projection keeps them (same query as
-- activities/subscription-totals.ts recomputeSubscriptionTotals).
INSERT INTO "SubscriptionTotal" ("currency", "status", "subscriptions", "monthlyAmountCents")
SELECT "currency", "status", count(*)::integer, sum("monthlyAmountCents")::bigint
FROM "Subscription"
WHERE "currency" IS NOT NULL
GROUP BY "currency", "status";

-- Past transitions, from the StatusChange log, priced at the current monthly amount of the subscription.
INSERT INTO "StatusFlow" ("month", "currency", "from", "to", "changes", "monthlyAmountCents")
SELECT date_trunc('month', c."at")::date, s."currency", c."from", c."to", count(*)::integer, sum(s."monthlyAmountCents")::bigint
FROM "StatusChange" AS c
JOIN "Subscription" AS s ON s."id" = c."subscriptionId"
WHERE c."from" IS NOT NULL AND s."currency" IS NOT NULL
GROUP BY 1, 2, 3, 4;
