-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN     "previousSecret" TEXT,
ADD COLUMN     "previousSecretExpiresAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "WebhookDelivery" ADD COLUMN     "lastLatencyMs" INTEGER,
ADD COLUMN     "lastResponseBytes" INTEGER;

-- Receivers' answers are no longer kept: drop the excerpt earlier attempts stored after the status.
UPDATE "WebhookDelivery" SET "lastError" = substring("lastError" from '^HTTP [0-9]+')
WHERE "lastError" ~ '^HTTP [0-9]+: ';
