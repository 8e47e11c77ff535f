-- CreateEnum
CREATE TYPE "AuditActorType" AS ENUM ('api_key', 'customer', 'system');

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "replacedById" TEXT;

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "actorType" "AuditActorType" NOT NULL,
    "actor" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "subscriptionId" TEXT,
    "updateId" TEXT,
    "outcome" INTEGER NOT NULL,
    "requestId" TEXT NOT NULL,
    "ip" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEvent_at_id_idx" ON "AuditEvent"("at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_subscriptionId_at_idx" ON "AuditEvent"("subscriptionId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actor_at_idx" ON "AuditEvent"("actor", "at");

-- Append-only, enforced by the database itself: an application bug or a stolen application
-- credential can add entries but not rewrite or erase the ones already there.
-- Prisma's migration runner (wasm schema engine with the pg driver adapter) splits scripts at every
-- semicolon, even inside $$ or quoted bodies: the body's semicolons are written \073 in an E'' string.
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS E'BEGIN RAISE EXCEPTION ''AuditEvent is append-only: % refused'', TG_OP USING ERRCODE = ''insufficient_privilege''\073 END\073';

CREATE TRIGGER "AuditEvent_no_update_or_delete" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
