// Sample finalized documents: a Norwegian consumer's invoice at 25 % in bokmål, a reverse-charge
// invoice in English to a Swedish business, and a credit note to a Norwegian business.
import type { DocumentLine, InvoiceDocument, LineTax, SellerProfile } from '../../domain/tax/types';

export const seller: SellerProfile = {
  legalName: 'Fjordlys Programvare AS',
  organizationNumber: '923609016',
  vatRegistered: true,
  address: { lines: ['Dronning Eufemias gate 16'], postalCode: '0191', city: 'Oslo', country: 'NO' },
  bankAccount: '86011117947',
  bic: null,
  paymentTermsDays: 14,
  language: 'nb',
  email: 'faktura@fjordlys.no',
  logoPath: null,
};

function standard(netCents: number): LineTax {
  const taxCents = Math.round(netCents / 4);
  return { rateBasisPoints: 2500, vatCategory: 'S', netCents, taxCents, grossCents: netCents + taxCents };
}

function reverseCharge(netCents: number): LineTax {
  return { rateBasisPoints: 0, vatCategory: 'AE', netCents, taxCents: 0, grossCents: netCents };
}

function line(fields: Omit<DocumentLine, 'taxCategory'>): DocumentLine {
  return { taxCategory: 'standard', ...fields };
}

export function norwegianConsumerInvoice(): InvoiceDocument {
  const lines = [
    line({
      kind: 'subscription',
      description: 'Pro (monthly), 2026-12-01 – 2027-01-01',
      itemName: 'Pro',
      quantity: 1,
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
      tax: standard(31920),
    }),
    line({
      kind: 'addon',
      description: '2 × Ekstra lagring, 2026-12-01 – 2027-01-01',
      itemName: 'Ekstra lagring',
      quantity: 2,
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
      tax: standard(8000),
    }),
    line({ kind: 'discount', description: 'Discount: Velkomstrabatt', itemName: 'Velkomstrabatt', quantity: 1, tax: standard(-4000) }),
  ];
  return {
    kind: 'invoice',
    number: '2026-000123',
    issuedAt: '2026-12-01T06:00:00.000Z',
    dueDate: '2026-12-15',
    currency: 'NOK',
    language: 'nb',
    seller,
    buyer: {
      legalName: 'Åse Ødegård Bjørnstad',
      kind: 'consumer',
      address: { lines: ['Kjærlighetsstien 7'], postalCode: '5003', city: 'Bergen', country: 'NO' },
      language: 'nb',
      version: 1,
      email: 'ase@example.no',
    },
    period: { start: '2026-12-01T00:00:00.000Z', end: '2027-01-01T00:00:00.000Z' },
    lines,
    vatSummary: [{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 35920, taxCents: 8980 }],
    treatment: 'domestic',
    netCents: 35920,
    taxCents: 8980,
    grossCents: 44900,
    creditAppliedCents: 5000,
    amountDueCents: 39900,
    buyerReference: 'sub_8f3k2m9q',
    paidAt: null,
  };
}

export function swedishReverseChargeInvoice(): InvoiceDocument {
  const lines = [
    line({
      kind: 'subscription',
      description: 'Business (yearly), 2026-12-01 – 2027-12-01',
      itemName: 'Business',
      quantity: 1,
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-12-01T00:00:00.000Z',
      tax: reverseCharge(120000),
    }),
    line({
      kind: 'addon',
      description: '5 × Extra seats, 2026-12-01 – 2027-12-01',
      itemName: 'Extra seats',
      quantity: 5,
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-12-01T00:00:00.000Z',
      tax: reverseCharge(12500),
    }),
  ];
  return {
    kind: 'invoice',
    number: '2026-000124',
    issuedAt: '2026-12-01T06:00:00.000Z',
    dueDate: '2026-12-31',
    currency: 'EUR',
    language: 'en',
    seller: { ...seller, bankAccount: 'NO9386011117947', bic: 'DNBANOKK', paymentTermsDays: 30 },
    buyer: {
      legalName: 'Nordkap Analytics AB',
      kind: 'business',
      vatId: 'SE556677889901',
      address: { lines: ['Sveavägen 44', 'Våning 3'], postalCode: '111 34', city: 'Stockholm', country: 'SE' },
      language: 'en',
      version: 3,
      email: 'ap@nordkap.se',
    },
    period: { start: '2026-12-01T00:00:00.000Z', end: '2027-12-01T00:00:00.000Z' },
    lines,
    vatSummary: [{ vatCategory: 'AE', rateBasisPoints: 0, netCents: 132500, taxCents: 0 }],
    treatment: 'reverse_charge',
    netCents: 132500,
    taxCents: 0,
    grossCents: 132500,
    creditAppliedCents: 0,
    amountDueCents: 132500,
    buyerReference: 'sub_q7w2e4r6t8',
    paidAt: null,
  };
}

export function norwegianBusinessCreditNote(): InvoiceDocument {
  const lines = [
    line({
      kind: 'proration_credit',
      description: 'Unused time on Team, 2026-11-16 – 2026-12-01',
      itemName: 'Team',
      quantity: 1,
      periodStart: '2026-11-16T00:00:00.000Z',
      periodEnd: '2026-12-01T00:00:00.000Z',
      tax: standard(24950),
    }),
  ];
  return {
    kind: 'credit_note',
    number: '2026-000125',
    issuedAt: '2026-11-16T09:30:00.000Z',
    dueDate: null,
    currency: 'NOK',
    language: 'nb',
    seller,
    buyer: {
      legalName: 'Bølgen & Moi Kafé AS',
      kind: 'business',
      organizationNumber: '987654325',
      address: { lines: ['Strandkaien 2'], postalCode: '4005', city: 'Stavanger', country: 'NO' },
      language: 'nb',
      version: 2,
      email: 'regnskap@bolgenogmoi.no',
    },
    period: { start: '2026-11-16T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' },
    lines,
    vatSummary: [{ vatCategory: 'S', rateBasisPoints: 2500, netCents: 24950, taxCents: 6238 }],
    treatment: 'domestic',
    netCents: 24950,
    taxCents: 6238,
    grossCents: 31188,
    creditAppliedCents: 0,
    amountDueCents: 0,
    buyerReference: 'sub_z1x2c3v4',
    paidAt: '2026-11-16T09:31:00.000Z',
    corrects: { number: '2026-000117', issuedAt: '2026-11-01T06:00:00.000Z' },
    reason: 'Oppsigelse – refusjon av ubrukt tid',
  };
}

/** `count` subscription lines, enough to push the table past the first page. */
export function manyLinesInvoice(count: number): InvoiceDocument {
  const base = norwegianConsumerInvoice();
  const lines = Array.from({ length: count }, (_, index) =>
    line({
      kind: 'addon',
      description: `Seat ${index + 1}`,
      itemName: `Bruker ${index + 1} – Kari Nordmann med et langt navn som må brytes over flere linjer`,
      quantity: 1,
      periodStart: '2026-12-01T00:00:00.000Z',
      periodEnd: '2027-01-01T00:00:00.000Z',
      tax: standard(9900),
    }),
  );
  const netCents = 9900 * count;
  const taxCents = lines.reduce((sum, each) => sum + each.tax.taxCents, 0);
  return {
    ...base,
    number: '2026-000126',
    lines,
    vatSummary: [{ vatCategory: 'S', rateBasisPoints: 2500, netCents, taxCents }],
    netCents,
    taxCents,
    grossCents: netCents + taxCents,
    creditAppliedCents: 0,
    amountDueCents: netCents + taxCents,
  };
}
