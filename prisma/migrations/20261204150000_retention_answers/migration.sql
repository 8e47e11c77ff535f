-- CreateEnum
CREATE TYPE "RetentionOutcome" AS ENUM ('accepted', 'declined');

-- CreateTable
CREATE TABLE "RetentionAnswer" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "outcome" "RetentionOutcome" NOT NULL,
    "fromPlanCode" TEXT NOT NULL,
    "toPlanCode" TEXT NOT NULL,
    "percentOff" INTEGER NOT NULL,
    "discountPeriods" INTEGER NOT NULL,
    "answeredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RetentionAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RetentionAnswer_subscriptionId_answeredAt_idx" ON "RetentionAnswer"("subscriptionId", "answeredAt");
