import { previewAddOnChange } from '../../domain/add-on-preview';
import { setAddOnQuantity } from '../../domain/add-on-changes';
import type { AddOnDefinition } from '../../domain/add-ons';
import { checkCommand } from '../../domain/commands';
import type { InvoiceLineDraft } from '../../domain/invoice';
import { periodEnded } from '../../domain/renewal';
import type { SubscriptionState } from '../../domain/subscription';
import { update } from '../../domain/subscription';
import { FEB_29, T0, active, bill, opened } from './fixtures';
import { addOn } from './upsell-fixtures';

const FEB_14 = '2028-02-14T10:00:00.000Z'; // 15 of the 29 days of period 0 left
const FEB_24 = '2028-02-24T10:00:00.000Z';

type Allowed = Extract<ReturnType<typeof previewAddOnChange>, { allowed: true }>;

function allowed(state: SubscriptionState, definition: AddOnDefinition, quantity: number, at: string): Allowed {
  const preview = previewAddOnChange(state, { addOn: definition, quantity }, at);
  if (!preview.allowed) throw new Error(`refused: ${preview.reason}`);
  return preview;
}

/** The change made at `at`, then the next period invoice: the lines it carries beyond the plan and add-ons. */
function billedAfter(state: SubscriptionState, definition: AddOnDefinition, quantity: number, at: string): { lines: InvoiceLineDraft[]; issuedAt: string } {
  const renewed = periodEnded(setAddOnQuantity(state, { addOn: definition, quantity }, at)).state;
  const { built } = bill(renewed, renewed.currentPeriod.start);
  return { lines: built.draft.lines.filter((line) => line.kind !== 'subscription' && line.periodStart !== renewed.currentPeriod.start), issuedAt: built.draft.issuedAt };
}

describe('previewAddOnChange equals what the command then bills', () => {
  const base = active('basic-monthly'); // period 0 (Jan 31 → Feb 29) invoiced and paid

  test('added seats: the prorated charge the next invoice carries, on the date it is issued', () => {
    const preview = allowed(base, addOn('extra-seat'), 2, FEB_14);
    const billed = billedAfter(base, addOn('extra-seat'), 2, FEB_14);
    expect(preview.lines).toEqual(billed.lines);
    expect(preview.totalCents).toBe(517); // 2 × 500 × 15/29
    expect(preview.billedAt).toBe(billed.issuedAt);
    expect(preview.billedAt).toBe(FEB_29);
    expect(preview).toMatchObject({ code: 'extra-seat', quantityBefore: 0, quantityAfter: 2, recurringCentsBefore: 900, recurringCentsAfter: 1_900 });
  });

  test('removed seats: the credit for their unused time, as the next invoice gives it', () => {
    const three = setAddOnQuantity(base, { addOn: addOn('extra-seat'), quantity: 3 }, T0);
    const preview = allowed(three, addOn('extra-seat'), 1, FEB_24);
    const billed = billedAfter(three, addOn('extra-seat'), 1, FEB_24);
    expect(preview.lines).toEqual(billed.lines.filter((line) => line.kind === 'proration_credit'));
    expect(preview.totalCents).toBe(-172); // 2 × 500 × 5/29
    expect(preview).toMatchObject({ quantityBefore: 3, quantityAfter: 1, recurringCentsBefore: 2_400, recurringCentsAfter: 1_400 });
  });

  test('a price without VAT is shown as the invoice bills it, VAT added', () => {
    const net: AddOnDefinition = { ...addOn('extra-seat'), tax: { category: 'standard', inclusive: false } };
    const preview = allowed(base, net, 2, FEB_14);
    expect(preview.lines).toEqual(billedAfter(base, net, 2, FEB_14).lines);
    expect(preview.totalCents).toBe(646); // 517 + 25% VAT
  });

  test('a one-time product: its whole price on the next invoice, and the price per period unchanged', () => {
    const preview = allowed(base, addOn('welcome-kit'), 2, FEB_14);
    expect(preview.lines).toEqual(billedAfter(base, addOn('welcome-kit'), 2, FEB_14).lines);
    expect(preview).toMatchObject({ totalCents: 5_000, quantityBefore: 0, quantityAfter: 2, recurringCentsBefore: 900, recurringCentsAfter: 900 });
  });

  test('during a trial nothing is prorated: no lines, only the new price per period', () => {
    const trialing = opened('business-monthly');
    const preview = allowed(trialing, addOn('extra-seat'), 5, '2028-02-03T10:00:00.000Z');
    expect(preview).toMatchObject({ lines: [], totalCents: 0, billedAt: trialing.currentPeriod.end, quantityAfter: 5, recurringCentsAfter: trialing.plan.amountCents + 2_500 });
  });

  test('changes nothing', () => {
    const before = JSON.stringify(base);
    allowed(base, addOn('extra-seat'), 2, FEB_14);
    expect(JSON.stringify(base)).toBe(before);
  });
});

describe('previewAddOnChange refuses what the command refuses, with the same reason', () => {
  const reasonOf = (state: SubscriptionState, definition: AddOnDefinition, quantity: number) => {
    try {
      checkCommand(state, { name: 'setAddOn', input: { addOn: definition, quantity } }, FEB_14);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('expected a refusal');
  };

  test.each([
    ['a quantity over 1000', active('basic-monthly'), addOn('extra-seat'), 1001],
    ['removing an add-on the subscription does not have', active('basic-monthly'), addOn('extra-seat'), 0],
    ['a currency the add-on is not sold in', update(active('basic-monthly'), { plan: { ...active('basic-monthly').plan, currency: 'USD' } }), addOn('extra-seat'), 1],
    ['an ended subscription', update(active('basic-monthly'), { status: 'canceled' }), addOn('extra-seat'), 1],
  ])('%s', (_name, state, definition, quantity) => {
    expect(previewAddOnChange(state, { addOn: definition, quantity }, FEB_14)).toEqual({ allowed: false, reason: reasonOf(state, definition, quantity) });
  });
});
