-- Invoices a Norwegian/EU business can send: VAT per line, a legal number from one gapless
-- series per seller (the workflow's own key becomes `reference`), credit notes numbered in their
-- own series, billing profiles, and rendered documents stored once.

-- The old per-subscription number (INV-<subscription>-<n>) stays as the workflow's key.
ALTER TABLE "Invoice" RENAME COLUMN "number" TO "reference";
ALTER INDEX "Invoice_number_key" RENAME TO "Invoice_reference_key";

ALTER TABLE "Invoice"
  ADD COLUMN "number" TEXT,
  ADD COLUMN "sequence" INTEGER,
  ADD COLUMN "dueDate" TIMESTAMP(3),
  ADD COLUMN "netCents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "taxCents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "creditAppliedCents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "taxTreatment" TEXT,
  ADD COLUMN "document" JSONB;
-- Invoices issued before the series existed are numbered in issue order.
UPDATE "Invoice" i SET "sequence" = o.n, "number" = o.n::text
  FROM (SELECT "id", row_number() OVER (ORDER BY "createdAt", "id") AS n FROM "Invoice") o WHERE i."id" = o."id";
ALTER TABLE "Invoice" ALTER COLUMN "number" SET NOT NULL, ALTER COLUMN "sequence" SET NOT NULL;
CREATE UNIQUE INDEX "Invoice_number_key" ON "Invoice"("number");
CREATE UNIQUE INDEX "Invoice_sequence_key" ON "Invoice"("sequence");

ALTER TABLE "InvoiceLine"
  ADD COLUMN "itemName" TEXT,
  ADD COLUMN "taxCategory" TEXT,
  ADD COLUMN "vatCategory" TEXT,
  ADD COLUMN "taxRateBasisPoints" INTEGER,
  ADD COLUMN "netCents" INTEGER,
  ADD COLUMN "taxCents" INTEGER;

ALTER TABLE "CreditNote"
  ADD COLUMN "number" TEXT,
  ADD COLUMN "sequence" INTEGER,
  ADD COLUMN "kind" TEXT NOT NULL DEFAULT 'refund',
  ADD COLUMN "netCents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "taxCents" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "document" JSONB;
UPDATE "CreditNote" c SET "sequence" = o.n, "number" = 'CN-' || o.n::text
  FROM (SELECT "id", row_number() OVER (ORDER BY "createdAt", "id") AS n FROM "CreditNote") o WHERE c."id" = o."id";
ALTER TABLE "CreditNote" ALTER COLUMN "number" SET NOT NULL, ALTER COLUMN "sequence" SET NOT NULL;
CREATE UNIQUE INDEX "CreditNote_number_key" ON "CreditNote"("number");
CREATE UNIQUE INDEX "CreditNote_sequence_key" ON "CreditNote"("sequence");

ALTER TABLE "Customer"
  ADD COLUMN "billingProfile" JSONB,
  ADD COLUMN "billingProfileVersion" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "Plan"
  ADD COLUMN "taxCategory" TEXT NOT NULL DEFAULT 'standard',
  ADD COLUMN "taxInclusive" BOOLEAN NOT NULL DEFAULT true;

ALTER TABLE "AddOn"
  ADD COLUMN "taxCategory" TEXT NOT NULL DEFAULT 'standard',
  ADD COLUMN "taxInclusive" BOOLEAN NOT NULL DEFAULT true;

CREATE TABLE "NumberSeries" (
  "series" TEXT NOT NULL,
  "next" INTEGER NOT NULL DEFAULT 1,
  CONSTRAINT "NumberSeries_pkey" PRIMARY KEY ("series")
);

INSERT INTO "NumberSeries" ("series", "next")
  VALUES ('invoice', (SELECT COUNT(*) + 1 FROM "Invoice")), ('credit_note', (SELECT COUNT(*) + 1 FROM "CreditNote"));

CREATE TABLE "DocumentFile" (
  "ownerKey" TEXT NOT NULL,
  "format" TEXT NOT NULL,
  "contentType" TEXT NOT NULL,
  "content" BYTEA NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "DocumentFile_pkey" PRIMARY KEY ("ownerKey","format")
);
