-- CreateEnum
CREATE TYPE "AddOnKind" AS ENUM ('recurring', 'one_time');

-- CreateEnum
CREATE TYPE "CouponDuration" AS ENUM ('once', 'repeating', 'forever');

-- CreateEnum
CREATE TYPE "OfferStatus" AS ENUM ('open', 'accepted', 'declined', 'expired');

-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "quotas" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "AddOn" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AddOnKind" NOT NULL,
    "prices" JSONB NOT NULL,
    "metric" TEXT,
    "unitsPerQuantity" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AddOn_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "Coupon" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "percentOff" INTEGER,
    "amountOffCents" INTEGER,
    "currency" VARCHAR(3),
    "duration" "CouponDuration" NOT NULL,
    "durationPeriods" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Coupon_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "OfferRule" (
    "id" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "definition" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OfferRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Offer" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "ruleId" TEXT NOT NULL,
    "fromPlanCode" TEXT NOT NULL,
    "toPlanCode" TEXT NOT NULL,
    "percentOff" INTEGER NOT NULL,
    "discountPeriods" INTEGER NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "mrrDeltaCents" INTEGER NOT NULL,
    "status" "OfferStatus" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "respondedAt" TIMESTAMP(3),

    CONSTRAINT "Offer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Offer_subscriptionId_idx" ON "Offer"("subscriptionId");

-- CreateIndex
CREATE INDEX "Offer_status_createdAt_idx" ON "Offer"("status", "createdAt");
