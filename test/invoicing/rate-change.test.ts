// VAT is due at the rate in force on the date of supply: a period that spans a real, historical
// rate change is billed as two supplies, each at its own rate (domain/collection.ts renewalInvoice).
import { renewalInvoice } from '../../domain/collection';
import type { InvoiceLineDraft } from '../../domain/invoice';
import type { PlanSnapshot } from '../../domain/plans';
import { openSubscription } from '../../domain/subscription';
import type { BillingProfile } from '../../domain/tax/types';
import { CUSTOMER, plan, SUBSCRIPTION_ID } from '../domain/fixtures';

const DAY_MS = 86_400_000;

/** VAT contained in a price including it, at `basisPoints`, halves away from zero (independent of domain/tax). */
function vatIn(grossCents: number, basisPoints: number): number {
  return Math.sign(grossCents) * Math.round((Math.abs(grossCents) * basisPoints) / (10_000 + basisPoints));
}

function firstInvoice(planSnapshot: PlanSnapshot, at: string, billing: BillingProfile | null) {
  const state = openSubscription({ subscriptionId: SUBSCRIPTION_ID, customer: { ...CUSTOMER, billing }, plan: planSnapshot, paymentMethod: 'pm_card_visa', trialDays: 0 }, new Date(at));
  return { state, built: renewalInvoice(state, at) };
}

/** Each part's share of the amount is its share of the period, to the minor unit. */
function expectSplitByTime(parts: InvoiceLineDraft[], amountCents: number, period: { start: string; end: string }): void {
  expect(parts.reduce((sum, line) => sum + line.amountCents, 0)).toBe(amountCents);
  const whole = Date.parse(period.end) - Date.parse(period.start);
  for (const part of parts) {
    const share = (Date.parse(part.periodEnd!) - Date.parse(part.periodStart!)) / whole;
    expect(Math.abs(part.amountCents - amountCents * share)).toBeLessThanOrEqual(1);
  }
  expect(parts[0]!.periodStart).toBe(period.start);
  expect(parts.at(-1)!.periodEnd).toBe(period.end);
}

test('a Finnish consumer (OSS) billed across 1 September 2024 pays 24 % for August and 25.5 % for September', async () => {
  const finn: BillingProfile = { legalName: 'Matti Meikäläinen', kind: 'consumer', address: { lines: ['Mannerheimintie 1'], postalCode: '00100', city: 'Helsinki', country: 'FI' }, version: 1 };
  const { state, built } = firstInvoice(plan('pro-monthly'), '2024-08-15T00:00:00.000Z', finn);
  const { draft } = built;
  expect(state.currentPeriod).toEqual({ start: '2024-08-15T00:00:00.000Z', end: '2024-09-15T00:00:00.000Z' });
  expect(draft.treatment).toBe('oss');

  const parts = draft.lines.filter((line) => line.kind === 'subscription');
  expect(parts).toHaveLength(2);
  expect(parts.map((line) => [line.periodStart, line.periodEnd])).toEqual([
    ['2024-08-15T00:00:00.000Z', '2024-09-01T00:00:00.000Z'],
    ['2024-09-01T00:00:00.000Z', '2024-09-15T00:00:00.000Z'],
  ]);
  expectSplitByTime(parts, 2_900, state.currentPeriod);
  expect(parts.map((line) => line.taxed!.rateBasisPoints)).toEqual([2400, 2550]);
  for (const part of parts) {
    expect(part.taxed!.taxCents).toBe(vatIn(part.amountCents, part.taxed!.rateBasisPoints));
    expect(part.taxed!.netCents + part.taxed!.taxCents).toBe(part.amountCents);
  }

  const [august, september] = parts as [InvoiceLineDraft, InvoiceLineDraft];
  expect(draft.vatSummary).toEqual([
    { vatCategory: 'S', rateBasisPoints: 2550, netCents: september.taxed!.netCents, taxCents: september.taxed!.taxCents },
    { vatCategory: 'S', rateBasisPoints: 2400, netCents: august.taxed!.netCents, taxCents: august.taxed!.taxCents },
  ]);
  expect(draft.subtotalCents).toBe(2_900);
  expect(draft.taxCents).toBe(august.taxed!.taxCents + september.taxed!.taxCents);
  expect(draft.netCents + draft.taxCents).toBe(draft.subtotalCents);
});

test('Norway\'s reduced low rate going from 6 % back to 12 % on 1 October 2021 splits a September–October period at it', async () => {
  const transport: PlanSnapshot = { ...plan('basic-monthly-nok'), code: 'ferry-monthly-nok', name: 'Ferry pass', amountCents: 10_000, tax: { category: 'reduced_low', inclusive: true } };
  const { state, built } = firstInvoice(transport, '2021-09-20T00:00:00.000Z', null);
  const { draft } = built;
  expect(draft.treatment).toBe('domestic');

  const parts = draft.lines.filter((line) => line.kind === 'subscription');
  expect(parts).toHaveLength(2);
  expect(parts.map((line) => line.periodEnd)).toEqual(['2021-10-01T00:00:00.000Z', state.currentPeriod.end]);
  expect((Date.parse(parts[0]!.periodEnd!) - Date.parse(parts[0]!.periodStart!)) / DAY_MS).toBe(11);
  expectSplitByTime(parts, 10_000, state.currentPeriod);
  expect(parts.map((line) => [line.taxed!.taxCategory, line.taxed!.rateBasisPoints])).toEqual([
    ['reduced_low', 600],
    ['reduced_low', 1200],
  ]);
  for (const part of parts) expect(part.taxed!.taxCents).toBe(vatIn(part.amountCents, part.taxed!.rateBasisPoints));

  expect(draft.vatSummary.map((row) => [row.vatCategory, row.rateBasisPoints])).toEqual([
    ['S', 1200],
    ['S', 600],
  ]);
  expect(draft.vatSummary.reduce((sum, row) => sum + row.netCents + row.taxCents, 0)).toBe(10_000);
  expect(draft.taxCents).toBe(parts.reduce((sum, line) => sum + line.taxed!.taxCents, 0));
});
