-- The workflow's view of a subscription, written with its projection row, so reads need not query
-- the workflow (GET /subscriptions/:id). `json` keeps the key order of the query's answer.
ALTER TABLE "Subscription" ADD COLUMN "view" JSON;
ALTER TABLE "Subscription" ADD COLUMN "viewShape" INTEGER NOT NULL DEFAULT 0;
