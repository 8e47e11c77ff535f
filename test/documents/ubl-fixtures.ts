// Finalized documents as the engine stores them, for the renderers' tests: a Norwegian seller
// billing a Norwegian business, a Swedish business (reverse charge), a credit note, account credit.
import type {
  BillingProfile,
  DocumentLine,
  InvoiceDocument,
  LineTax,
  SellerProfile,
  TaxCategory,
  VatCategoryCode,
  VatSummaryRow,
} from '../../domain/tax/types';

export const seller: SellerProfile = {
  legalName: 'Nordlys Abonnement AS',
  organizationNumber: '923609016',
  vatRegistered: true,
  address: { lines: ['Karl Johans gate 22'], postalCode: '0159', city: 'Oslo', country: 'NO' },
  bankAccount: 'NO93 8601 1117 947',
  bic: 'DNBANOKKXXX',
  paymentTermsDays: 14,
  language: 'nb',
  email: 'faktura@nordlys-abonnement.no',
};

export const norwegianBuyer: BillingProfile & { email: string } = {
  legalName: 'Fjellvind Regnskap & Rådgivning AS',
  kind: 'business',
  organizationNumber: '974760673',
  address: { lines: ['Strandkaien 14', '3. etasje'], postalCode: '5013', city: 'Bergen', country: 'NO' },
  email: 'regnskap@fjellvind.no',
  version: 3,
};

export const swedishBuyer: BillingProfile & { email: string } = {
  legalName: 'Exempel Kund AB',
  kind: 'business',
  vatId: 'SE556036079301',
  address: { lines: ['Drottninggatan 5'], postalCode: '111 51', city: 'Stockholm', country: 'SE' },
  language: 'en',
  email: 'ap@exempelkund.se',
  version: 1,
};

/** A line's VAT as the tax rules compute it: rounded to the nearest minor unit. */
function taxed(netCents: number, rateBasisPoints: number, vatCategory: VatCategoryCode): LineTax {
  const taxCents = Math.round((netCents * rateBasisPoints) / 10_000);
  return { rateBasisPoints, vatCategory, netCents, taxCents, grossCents: netCents + taxCents };
}

interface LineSpec {
  kind: string;
  description: string;
  itemName?: string;
  quantity?: number;
  netCents: number;
  rateBasisPoints: number;
  vatCategory?: VatCategoryCode;
  taxCategory?: TaxCategory;
}

// January 2026 in Oslo: the engine stores period boundaries as UTC instants, the end exclusive.
const JANUARY = { start: '2025-12-31T23:00:00.000Z', end: '2026-01-31T23:00:00.000Z' };

function line(spec: LineSpec): DocumentLine {
  return {
    kind: spec.kind,
    description: spec.description,
    itemName: spec.itemName ?? null,
    quantity: spec.quantity ?? 1,
    periodStart: JANUARY.start,
    periodEnd: JANUARY.end,
    taxCategory: spec.taxCategory ?? 'standard',
    tax: taxed(spec.netCents, spec.rateBasisPoints, spec.vatCategory ?? 'S'),
  };
}

function vatSummary(lines: DocumentLine[]): VatSummaryRow[] {
  const rows = new Map<string, VatSummaryRow>();
  for (const { tax } of lines) {
    const key = `${tax.vatCategory}@${tax.rateBasisPoints}`;
    const row = rows.get(key) ?? { vatCategory: tax.vatCategory, rateBasisPoints: tax.rateBasisPoints, netCents: 0, taxCents: 0 };
    row.netCents += tax.netCents;
    row.taxCents += tax.taxCents;
    rows.set(key, row);
  }
  return [...rows.values()];
}

type DocumentSpec = Pick<InvoiceDocument, 'kind' | 'number' | 'buyer' | 'treatment' | 'lines'> & Partial<InvoiceDocument>;

/** A document whose summary and totals are the sums of its lines, as finalization stores them. */
function documentOf(spec: DocumentSpec): InvoiceDocument {
  const vat = vatSummary(spec.lines);
  const netCents = vat.reduce((sum, row) => sum + row.netCents, 0);
  const taxCents = vat.reduce((sum, row) => sum + row.taxCents, 0);
  const creditAppliedCents = spec.creditAppliedCents ?? 0;
  return {
    issuedAt: '2025-12-31T23:00:05.000Z',
    dueDate: spec.kind === 'invoice' ? '2026-01-15' : null,
    currency: 'NOK',
    language: spec.buyer.language ?? seller.language,
    seller,
    period: JANUARY,
    vatSummary: vat,
    netCents,
    taxCents,
    grossCents: netCents + taxCents,
    creditAppliedCents,
    amountDueCents: netCents + taxCents - creditAppliedCents,
    buyerReference: 'sub_01JH7Q4M2XKD9R5V8T3WZC6B1N',
    paidAt: null,
    ...spec,
  };
}

const proMonthly = (rate = 2500, category: VatCategoryCode = 'S') =>
  line({ kind: 'subscription', description: 'Pro (monthly), 2026-01-01 – 2026-02-01', itemName: 'Pro', netCents: 49_900, rateBasisPoints: rate, vatCategory: category });

/** (a) Two lines at 25 %, a discount line on them, and one line at 15 %. */
export const norwegianInvoice = documentOf({
  kind: 'invoice',
  number: 'INV-sub_01JH7Q4M2XKD9R5V8T3WZC6B1N-0004',
  buyer: norwegianBuyer,
  treatment: 'domestic',
  lines: [
    proMonthly(),
    line({ kind: 'addon', description: 'Extra seats × 3, 2026-01-01 – 2026-02-01', itemName: 'Extra seat', quantity: 3, netCents: 29_700, rateBasisPoints: 2500 }),
    line({ kind: 'discount', description: 'Coupon VELKOMMEN10 (10 % off Pro)', itemName: 'VELKOMMEN10', netCents: -4_990, rateBasisPoints: 2500 }),
    line({
      kind: 'addon',
      description: 'Lunsjlevering, 2026-01-01 – 2026-02-01',
      itemName: 'Lunsjlevering',
      netCents: 18_750,
      rateBasisPoints: 1500,
      taxCategory: 'reduced_middle',
    }),
  ],
});

/** (b) A Swedish business with a VAT number: reverse charge, 0 %, invoiced in euros. */
export const reverseChargeInvoice = documentOf({
  kind: 'invoice',
  number: 'INV-sub_01JH7R0C5N2Y8G4K6P1QDTA9XE-0002',
  buyer: swedishBuyer,
  treatment: 'reverse_charge',
  currency: 'EUR',
  lines: [proMonthly(0, 'AE')],
});

/** (c) The credit note that refunds (a) in full. */
export const creditNote = documentOf({
  kind: 'credit_note',
  number: 'CN-sub_01JH7Q4M2XKD9R5V8T3WZC6B1N-0001',
  issuedAt: '2026-01-10T09:30:00.000Z',
  buyer: norwegianBuyer,
  treatment: 'domestic',
  lines: norwegianInvoice.lines,
  corrects: { number: norwegianInvoice.number, issuedAt: norwegianInvoice.issuedAt },
  reason: 'Refund: subscription canceled',
});

/** (d) Account credit (from an earlier downgrade) paid part of it. */
export const creditAppliedInvoice = documentOf({
  kind: 'invoice',
  number: 'INV-sub_01JH7Q4M2XKD9R5V8T3WZC6B1N-0005',
  buyer: norwegianBuyer,
  treatment: 'domestic',
  lines: [proMonthly()],
  creditAppliedCents: 20_000,
});

/** The card was charged at finalization: what credit did not pay is paid too. */
export const cardPaidInvoice = documentOf({
  kind: 'invoice',
  number: 'INV-sub_01JH7Q4M2XKD9R5V8T3WZC6B1N-0006',
  buyer: norwegianBuyer,
  treatment: 'domestic',
  lines: [proMonthly()],
  creditAppliedCents: 10_000,
  paidAt: '2025-12-31T23:00:07.000Z',
});
