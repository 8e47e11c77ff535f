-- CreateTable
CREATE TABLE "StatusChange" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "from" "SubscriptionStatus",
    "to" "SubscriptionStatus" NOT NULL,
    "version" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StatusChange_subscriptionId_at_idx" ON "StatusChange"("subscriptionId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "StatusChange_subscriptionId_version_key" ON "StatusChange"("subscriptionId", "version");
