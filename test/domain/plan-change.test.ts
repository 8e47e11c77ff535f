import { renewalInvoice, settleCharge } from '../../domain/collection';
import type { Effect } from '../../domain/effects';
import type { InvoiceSummary, SubscriptionState } from '../../domain/subscription';
import { calendarPeriod, update } from '../../domain/subscription';
import { applyScheduledChange, changePlan, isUpgrade, quotePlanChange, schedulePlanChange, type PlanChangeQuote } from '../../domain/plan-change';
import { periodEnded } from '../../domain/renewal';
import { nextDue } from '../../domain/schedule';
import { FEB_29, T0, active, emailOf, opened, plan } from './fixtures';

// Active on the Jan 31 → Feb 29 2028 period (29 days), first invoice INV-sub_1-0001 paid.
const FEB_10 = '2028-02-10T10:00:00.000Z'; // 19 of 29 days remain
const FEB_20 = '2028-02-20T10:00:00.000Z'; // 9 of 29 days remain

interface Changed {
  quote: PlanChangeQuote;
  state: SubscriptionState;
  effects: Effect[];
  /** The change's invoice, as paid. */
  invoice: InvoiceSummary | null;
}

/** A change now, as the workflow carries it out: its invoice issued, charged with `outcome`, and settled. */
function changeNow(state: SubscriptionState, planCode: string, at: string, outcome: 'succeeded' | 'declined' = 'succeeded'): Changed {
  const quote = quotePlanChange(state, { plan: plan(planCode), when: 'now' }, at);
  const step = changePlan(state, { plan: plan(planCode), when: 'now' }, at);
  const charge = step.effects.find((effect) => effect.kind === 'charge');
  if (charge?.kind !== 'charge') return { quote, state: step.state, effects: step.effects, invoice: null };
  const result =
    outcome === 'succeeded'
      ? ({ outcome, chargeId: 'ch_1' } as const)
      : ({ outcome, chargeId: 'ch_1', declineCode: 'insufficient_funds', declineType: 'soft', message: 'Your card has insufficient funds.' } as const);
  const settled = settleCharge(step.state, charge.charge, result);
  return { quote, state: settled.state, effects: [...step.effects, ...settled.effects], invoice: settled.reply?.invoice ?? null };
}

describe('isUpgrade', () => {
  test('a higher tier is an upgrade whatever the interval', () => {
    expect(isUpgrade(plan('basic-monthly'), plan('pro-monthly'))).toBe(true);
    expect(isUpgrade(plan('basic-yearly'), plan('pro-monthly'))).toBe(true);
    expect(isUpgrade(plan('pro-monthly'), plan('business-yearly'))).toBe(true);
    expect(isUpgrade(plan('pro-monthly'), plan('basic-monthly'))).toBe(false);
  });

  test('within a tier, the plan with the higher price per day is the upgrade (yearly is cheaper per day)', () => {
    expect(isUpgrade(plan('basic-monthly'), plan('basic-yearly'))).toBe(false);
    expect(isUpgrade(plan('basic-yearly'), plan('basic-monthly'))).toBe(true);
  });
});

describe('quotePlanChange: upgrade now', () => {
  const state = active('basic-monthly');

  test('basic → pro on Feb 10 credits 19/29 of 9.00 (5.90) and charges 19/29 of 29.00 (19.00): 13.10 due', () => {
    const quote = quotePlanChange(state, { plan: plan('pro-monthly') }, FEB_10);
    expect(quote).toMatchObject({ timing: 'now', effectiveAt: FEB_10, newPeriod: null, from: plan('basic-monthly'), to: plan('pro-monthly') });
    expect(quote.invoice).toMatchObject({
      draft: {
        number: 'INV-sub_1-0002',
        subscriptionId: 'sub_1',
        customerId: 'cus_1',
        periodIndex: null,
        billingReason: 'subscription_update',
        period: { start: FEB_10, end: FEB_29 },
        currency: 'EUR',
        issuedAt: FEB_10,
        lines: [
          {
            kind: 'proration_credit',
            description: 'Unused time on Basic monthly, 2028-02-10 – 2028-02-29',
            quantity: 1,
            amountCents: -590,
            periodStart: FEB_10,
            periodEnd: FEB_29,
          },
          {
            kind: 'proration_charge',
            description: 'Remaining time on Pro monthly, 2028-02-10 – 2028-02-29',
            quantity: 1,
            amountCents: 1_900,
            periodStart: FEB_10,
            periodEnd: FEB_29,
          },
        ],
        subtotalCents: 1_310,
        amountCents: 1_310,
      },
      creditBalanceCents: 0,
      service: null,
    });
  });

  test('is prorated to the second: at 13:27:45 on Feb 10 the lines are -5.85 and +18.86', () => {
    // 1,629,135 of 2,505,600 seconds remain: 900 × … = 585.17, 2900 × … = 1885.57.
    const quote = quotePlanChange(state, { plan: plan('pro-monthly') }, '2028-02-10T13:27:45.000Z');
    expect(quote.invoice!.draft.lines.map((line) => line.amountCents)).toEqual([-585, 1_886]);
    expect(quote.invoice!.draft.amountCents).toBe(1_301);
  });

  test('a credit balance pays part of the upgrade as a customer_balance line', () => {
    const withCredit = update(state, { creditBalanceCents: 500 });
    const quote = quotePlanChange(withCredit, { plan: plan('pro-monthly') }, FEB_10);
    expect(quote.invoice!.draft.lines.at(-1)).toEqual({ kind: 'customer_balance', description: 'Applied account credit', quantity: 1, amountCents: -500 });
    expect(quote.invoice!.draft.subtotalCents).toBe(1_310);
    expect(quote.invoice!.draft.amountCents).toBe(810);
    expect(quote.invoice!.creditBalanceCents).toBe(0);
  });

  test('an upgrade asked for at period end is scheduled, with nothing billed', () => {
    const quote = quotePlanChange(state, { plan: plan('pro-monthly'), when: 'period_end' }, FEB_10);
    expect(quote).toEqual({
      from: plan('basic-monthly'),
      to: plan('pro-monthly'),
      addOns: [],
      creditCents: 0,
      chargeCents: 0,
      discounted: false,
      timing: 'period_end',
      effectiveAt: FEB_29,
      invoice: null,
      newPeriod: null,
    });
  });
});

describe('quotePlanChange: downgrades', () => {
  test('a downgrade defaults to the end of the period, with nothing billed', () => {
    const quote = quotePlanChange(active('pro-monthly'), { plan: plan('basic-monthly') }, FEB_10);
    expect(quote).toMatchObject({ timing: 'period_end', effectiveAt: FEB_29, invoice: null, newPeriod: null });
  });

  test('a downgrade now whose credit exceeds the charge bills nothing and keeps the difference as credit balance', () => {
    const onBusiness = active('business-monthly');
    // Credit 19/29 of 99.00 = 64.86; charge 19/29 of 9.00 = 5.90; 58.96 left over.
    const quote = quotePlanChange(onBusiness, { plan: plan('basic-monthly'), when: 'now' }, FEB_10);
    const { draft, creditBalanceCents } = quote.invoice!;
    expect(draft.lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['proration_credit', -6_486],
      ['proration_charge', 590],
    ]);
    expect(draft.subtotalCents).toBe(-5_896);
    expect(draft.amountCents).toBe(0);
    expect(creditBalanceCents).toBe(5_896);

    const applied = changeNow(onBusiness, 'basic-monthly', FEB_10).state;
    expect(applied.plan.code).toBe('basic-monthly');
    expect(applied.creditBalanceCents).toBe(5_896);

    // The balance pays the next renewal (9.00) in full and 49.96 remains.
    const renewal = renewalInvoice(periodEnded(applied).state, FEB_29);
    expect(renewal.draft.lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['subscription', 900],
      ['customer_balance', -900],
    ]);
    expect(renewal.draft.amountCents).toBe(0);
    expect(renewal.creditBalanceCents).toBe(4_996);
  });

  test('a downgrade credit adds to an existing credit balance', () => {
    const onBusiness = update(active('business-monthly'), { creditBalanceCents: 104 });
    const quote = quotePlanChange(onBusiness, { plan: plan('basic-monthly'), when: 'now' }, FEB_10);
    expect(quote.invoice!.creditBalanceCents).toBe(6_000);
    expect(quote.invoice!.draft.amountCents).toBe(0);
  });
});

describe('quotePlanChange: during a trial', () => {
  test('the plan changes now with no invoice, even when asked for at period end', () => {
    const trialing = opened('business-monthly');
    expect(trialing.status).toBe('trialing');
    const at = '2028-02-05T10:00:00.000Z';
    for (const when of [undefined, 'now', 'period_end'] as const) {
      const quote = quotePlanChange(trialing, { plan: plan('pro-monthly'), ...(when ? { when } : {}) }, at);
      expect(quote).toEqual({
        from: plan('business-monthly'),
        to: plan('pro-monthly'),
        addOns: [],
        discounted: false,
        timing: 'now',
        effectiveAt: at,
        invoice: null,
        newPeriod: null,
        creditCents: 0,
        chargeCents: 0,
      });
    }
  });

  test('applying a trial change switches the plan without issuing an invoice or moving the trial', () => {
    const trialing = opened('business-monthly');
    const at = '2028-02-05T10:00:00.000Z';
    const { state, effects } = changePlan(trialing, { plan: plan('pro-yearly') }, at);
    expect(state.plan.code).toBe('pro-yearly');
    expect(state.invoiceCount).toBe(0);
    expect(state.currentPeriod).toEqual(trialing.currentPeriod);
    expect(state.trialEnd).toBe(trialing.trialEnd);
    // Billing after the trial follows the new plan's interval from the trial end.
    expect(calendarPeriod(state, 1)).toEqual({ start: trialing.trialEnd, end: '2029-02-14T10:00:00.000Z' });
    expect(emailOf(effects, 'plan_changed')).toMatchObject({ fromPlan: 'Business monthly', toPlan: 'Pro yearly', invoiceNumber: null, effectiveAt: at });
  });
});

describe('quotePlanChange: interval change', () => {
  const FEB_10_2029 = '2029-02-10T10:00:00.000Z';

  test('monthly → yearly now starts a new yearly period at the change: full yearly price, credit for the unused month', () => {
    const state = active('basic-monthly');
    const quote = quotePlanChange(state, { plan: plan('basic-yearly'), when: 'now' }, FEB_10);
    expect(quote.newPeriod).toEqual({ start: FEB_10, end: FEB_10_2029 });
    const { draft } = quote.invoice!;
    expect(draft.lines).toMatchObject([
      {
        kind: 'proration_credit',
        description: 'Unused time on Basic monthly, 2028-02-10 – 2028-02-29',
        quantity: 1,
        amountCents: -590,
        periodStart: FEB_10,
        periodEnd: FEB_29,
      },
      {
        kind: 'subscription',
        description: 'Basic yearly (year), 2028-02-10 – 2029-02-10',
        quantity: 1,
        amountCents: 9_000,
        periodStart: FEB_10,
        periodEnd: FEB_10_2029,
      },
    ]);
    // Keyed on its own number until paid: a declined change must not hold period 1.
    expect(draft).toMatchObject({ periodIndex: null, period: { start: FEB_10, end: FEB_10_2029 }, subtotalCents: 8_410, amountCents: 8_410 });
    const charge = changePlan(state, { plan: plan('basic-yearly'), when: 'now' }, FEB_10).effects.find((effect) => effect.kind === 'charge');
    expect(charge).toMatchObject({ charge: { claimsPeriodIndex: 1, purpose: { kind: 'plan_change' } } });
  });

  test('applying it re-anchors the calendar at the change: the yearly period is invoiced and ends a year later', () => {
    const state = active('basic-monthly');
    const { state: next, effects, invoice } = changeNow(state, 'basic-yearly', FEB_10);
    expect(invoice).toMatchObject({ number: 'INV-sub_1-0002', status: 'paid', periodIndex: 1 });
    expect(next).toMatchObject({
      plan: plan('basic-yearly'),
      anchor: FEB_10,
      anchorPeriodIndex: 1,
      periodIndex: 1,
      currentPeriod: { start: FEB_10, end: FEB_10_2029 },
      currentPeriodInvoiced: true,
      invoiceCount: 2,
      latestInvoice: invoice,
    });
    expect(calendarPeriod(next, 2)).toEqual({ start: FEB_10_2029, end: '2030-02-10T10:00:00.000Z' });
    expect(nextDue(next)).toEqual({ kind: 'period_end', at: FEB_10_2029 });
    expect(emailOf(effects, 'plan_changed')).toMatchObject({
      fromPlan: 'Basic monthly',
      toPlan: 'Basic yearly',
      amountCents: 9_000,
      currency: 'EUR',
      interval: 'year',
      effectiveAt: FEB_10,
      invoiceNumber: 'INV-sub_1-0002',
    });
  });

  test('a tier upgrade to a yearly plan (pro monthly → business yearly) applies now by default and re-anchors', () => {
    const state = active('pro-monthly');
    const quote = quotePlanChange(state, { plan: plan('business-yearly') }, FEB_10);
    expect(quote.timing).toBe('now');
    expect(quote.newPeriod).toEqual({ start: FEB_10, end: FEB_10_2029 });
    expect(quote.invoice!.draft.lines.map((line) => [line.kind, line.amountCents])).toEqual([
      ['proration_credit', -1_900],
      ['subscription', 99_000],
    ]);
  });
});

describe('changing plan twice in one period', () => {
  test('the second change credits the plan in effect (pro, days 20..end), not the plan first billed (basic)', () => {
    const first = changeNow(active('basic-monthly'), 'pro-monthly', FEB_10);
    expect(first.state.plan.code).toBe('pro-monthly');
    expect(first.state.invoiceCount).toBe(2);

    const second = quotePlanChange(first.state, { plan: plan('business-monthly') }, FEB_20);
    const { draft } = second.invoice!;
    expect(draft.number).toBe('INV-sub_1-0003');
    expect(draft.lines).toMatchObject([
      {
        kind: 'proration_credit',
        description: 'Unused time on Pro monthly, 2028-02-20 – 2028-02-29',
        quantity: 1,
        amountCents: -900, // 9/29 of 29.00 (basic would have been -2.79)
        periodStart: FEB_20,
        periodEnd: FEB_29,
      },
      {
        kind: 'proration_charge',
        description: 'Remaining time on Business monthly, 2028-02-20 – 2028-02-29',
        quantity: 1,
        amountCents: 3_072, // 9/29 of 99.00 = 30.72
        periodStart: FEB_20,
        periodEnd: FEB_29,
      },
    ]);
    expect(draft.amountCents).toBe(2_172);
  });

  test('over both changes, each stretch of the period is credited once: total credits equal basic days 10..end', () => {
    const first = changeNow(active('basic-monthly'), 'pro-monthly', FEB_10);
    const second = changeNow(first.state, 'business-monthly', FEB_20);
    const credits = [first.quote, second.quote].flatMap((q) => q.invoice!.draft.lines.filter((l) => l.kind === 'proration_credit'));
    const charges = [first.quote, second.quote].flatMap((q) => q.invoice!.draft.lines.filter((l) => l.kind === 'proration_charge'));
    // Pro was charged for 10..end (19.00) and credited back for 20..end (9.00): pro paid for exactly days 10..20.
    expect(charges[0]!.amountCents + credits[1]!.amountCents).toBe(1_000);
    expect(credits.map((c) => c.amountCents)).toEqual([-590, -900]);
    expect(second.state.plan.code).toBe('business-monthly');
    expect(second.state.invoiceCount).toBe(3);
  });
});

describe('applyPlanChangeNow / scheduled changes', () => {
  test('a change now drops a previously scheduled change and records the paid invoice', () => {
    const scheduled = schedulePlanChange(active('pro-monthly'), plan('basic-monthly'), '2028-02-02T10:00:00.000Z');
    expect(scheduled.scheduledChange).toEqual({ plan: plan('basic-monthly'), requestedAt: '2028-02-02T10:00:00.000Z' });
    const { state, invoice } = changeNow(scheduled, 'business-monthly', FEB_10);
    expect(state).toMatchObject({ plan: plan('business-monthly'), scheduledChange: null, latestInvoice: invoice, currentPeriodInvoiced: true, invoiceCount: 2 });
    // Same interval: the calendar is unchanged.
    expect(state.anchor).toBe(T0);
    expect(state.currentPeriod).toEqual({ start: T0, end: FEB_29 });
    expect(state.version).toBeGreaterThan(scheduled.version);
  });

  test('applyScheduledChange without a scheduled change changes nothing', () => {
    const state = active('pro-monthly');
    expect(applyScheduledChange(state)).toEqual({ state, effects: [] });
  });
});

describe('a change now is applied only once paid', () => {
  test('declined: nothing changes, the invoice is voided, the credit it used comes back, and the command answers 402', () => {
    const withCredit = update(active('basic-monthly'), { creditBalanceCents: 300 });
    const { state, effects } = changeNow(withCredit, 'pro-monthly', FEB_10, 'declined');
    expect(state).toMatchObject({ plan: { code: 'basic-monthly' }, creditBalanceCents: 300, invoiceCount: 2, latestInvoice: withCredit.latestInvoice });
    expect(state.account).toEqual(withCredit.account);
    const issued = effects.find((effect) => effect.kind === 'issue_invoice');
    expect(issued).toMatchObject({ credit: [{ cause: 'applied_to_invoice', amountCents: -300, invoiceNumber: 'INV-sub_1-0002' }] });
    expect(effects.find((effect) => effect.kind === 'invoice_status')).toEqual({
      kind: 'invoice_status',
      invoiceNumber: 'INV-sub_1-0002',
      status: 'void',
      at: FEB_10,
      credit: [{ key: 'sub_1/credit/invoice_voided/INV-sub_1-0002', amountCents: 300, cause: 'invoice_voided', invoiceNumber: 'INV-sub_1-0002', periodIndex: 0, balanceAfterCents: 300, at: FEB_10 }],
    });
    expect(effects.at(-1)).toMatchObject({ kind: 'refuse', failure: { type: 'PaymentDeclinedError', details: { invoiceNumber: 'INV-sub_1-0002', declineCode: 'insufficient_funds' } } });
  });

  test('a declined switch to yearly leaves the monthly calendar: the next renewal bills period 1 as usual', () => {
    const { state } = changeNow(active('pro-monthly'), 'pro-yearly', FEB_10, 'declined');
    expect(state).toMatchObject({ periodIndex: 0, currentPeriod: { start: T0, end: FEB_29 }, plan: { code: 'pro-monthly' } });
    const renewal = renewalInvoice(periodEnded(state).state, FEB_29);
    expect(renewal.draft).toMatchObject({ number: 'INV-sub_1-0003', periodIndex: 1, amountCents: 2_900 });
  });

  test("paid within the period: the old plan's credit went back and the new plan was bought at list price", () => {
    const { state } = changeNow(active('basic-monthly'), 'pro-monthly', FEB_10);
    expect(state.account).toEqual({
      periodIndex: 0,
      paidCents: 900 + 1_900,
      returnedCents: 590,
      rates: { plan: { paid: 1, list: 1 }, addOns: { paid: 900, list: 900 } },
      charges: [
        { invoiceNumber: 'INV-sub_1-0001', amountCents: 900, refundedCents: 0 },
        { invoiceNumber: 'INV-sub_1-0002', amountCents: 1_310, refundedCents: 0 },
      ],
    });
  });
});

describe('credit for unused time is what was paid for it', () => {
  test('a period bought at 20% off credits 80% of the list price for the unused time', () => {
    const base = active('pro-monthly');
    const discounted = update(base, { account: { ...base.account!, paidCents: 2_320, rates: { plan: { paid: 2_320, list: 2_900 }, addOns: { paid: 2_320, list: 2_900 } } } });
    const quote = quotePlanChange(discounted, { plan: plan('business-monthly') }, FEB_10);
    // 19/29 of 23.20 = 15.20 (at list price it would be 19.00)
    expect(quote.creditCents).toBe(1_520);
  });

  test("never more than what is left of the period's payment", () => {
    const base = active('pro-monthly');
    const mostlyReturned = update(base, { account: { ...base.account!, returnedCents: 2_800 } });
    expect(quotePlanChange(mostlyReturned, { plan: plan('business-monthly') }, FEB_10).creditCents).toBe(100);
  });

  test('nothing is credited for a period that was not paid', () => {
    const unbilled = periodEnded(active('pro-monthly')).state;
    expect(quotePlanChange(unbilled, { plan: plan('business-monthly') }, '2028-03-05T10:00:00.000Z').invoice!.draft.lines.map((l) => l.kind)).toEqual(['proration_charge']);
  });
});
