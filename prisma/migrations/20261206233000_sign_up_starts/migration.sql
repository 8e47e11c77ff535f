-- The outbox of asynchronous sign-ups: a row per subscription whose workflow is still to be started.
CREATE TABLE "SignUpStart" (
    "subscriptionId" TEXT NOT NULL,
    "start" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignUpStart_pkey" PRIMARY KEY ("subscriptionId")
);

CREATE INDEX "SignUpStart_nextAttemptAt_idx" ON "SignUpStart"("nextAttemptAt");

ALTER TABLE "SignUpStart" ADD CONSTRAINT "SignUpStart_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "Subscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;
