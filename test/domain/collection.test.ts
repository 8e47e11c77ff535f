import { chargeOf, nextAttempt } from '../../domain/charges';
import {
  firstPaymentExpired,
  invoiceIssued,
  paymentFailed,
  paymentSucceeded,
  renewalInvoice,
  retriesExhausted,
} from '../../domain/collection';
import type { Effect } from '../../domain/effects';
import { periodEnded } from '../../domain/renewal';
import { nextDue } from '../../domain/schedule';
import { reanchor, type SubscriptionState } from '../../domain/subscription';
import { FEB_29, MAR_31, T0, active, bill, decline, emailOf, opened, pastDue, policyWith, summaryOf, templates } from './fixtures';

// Renewal of period 1 (Feb 29 → Mar 31) fails on Feb 29 10:00; retries at +3, +8, +15, +21 days.
const RETRY_1 = '2028-03-03T10:00:00.000Z';
const RETRY_2 = '2028-03-08T10:00:00.000Z';
const RETRY_3 = '2028-03-15T10:00:00.000Z';
const RETRY_4 = '2028-03-21T10:00:00.000Z';
const RENEWAL = 'INV-sub_1-0002';

/** Fails the invoice in dunning again at `at`, as the workflow does on a retry (attempt counted). */
function failAgain(state: SubscriptionState, at: string, type: 'soft' | 'hard' = 'soft') {
  const invoice = { ...state.latestInvoice!, attempts: state.dunning!.attempts + 1 };
  return paymentFailed(state, invoice, decline(type), at);
}

describe('renewalInvoice', () => {
  test('the first invoice bills the whole first period at the plan price (subscription_create)', () => {
    const { draft, creditBalanceCents } = renewalInvoice(opened('basic-monthly'), T0);
    expect(draft).toMatchObject({
      number: 'INV-sub_1-0001',
      subscriptionId: 'sub_1',
      customerId: 'cus_1',
      periodIndex: 0,
      billingReason: 'subscription_create',
      period: { start: T0, end: FEB_29 },
      currency: 'EUR',
      issuedAt: T0,
      lines: [
        {
          kind: 'subscription',
          description: 'Basic monthly (month), 2028-01-31 – 2028-02-29',
          quantity: 1,
          amountCents: 900,
          periodStart: T0,
          periodEnd: FEB_29,
        },
      ],
      subtotalCents: 900,
      amountCents: 900,
    });
    expect(creditBalanceCents).toBe(0);
  });

  test('later invoices are subscription_cycle invoices for the next calendar period, numbered in sequence', () => {
    const renewed = periodEnded(active('basic-monthly')).state;
    const { draft } = renewalInvoice(renewed, FEB_29);
    expect(draft).toMatchObject({ number: RENEWAL, periodIndex: 1, billingReason: 'subscription_cycle', period: { start: FEB_29, end: MAR_31 }, amountCents: 900 });
  });

  test('is billed in the plan currency (NOK)', () => {
    const { draft } = renewalInvoice(opened('pro-monthly-nok'), T0);
    expect(draft.currency).toBe('NOK');
    expect(draft.amountCents).toBe(29_900);
  });
});

describe('invoiceIssued', () => {
  test('counts the invoice, takes the new credit balance and marks the period invoiced', () => {
    const state = { ...opened('basic-monthly'), creditBalanceCents: 300 };
    const built = renewalInvoice(state, T0);
    const next = invoiceIssued(state, built, summaryOf(built));
    expect(next).toMatchObject({ invoiceCount: 1, creditBalanceCents: 0, currentPeriodInvoiced: true, latestInvoice: { number: 'INV-sub_1-0001', amountCents: 600 } });
    expect(next.version).toBe(state.version + 1);
  });

  test('a mid-period invoice (no period index) does not mark an unbilled period as invoiced', () => {
    const state = opened('basic-monthly');
    const built = renewalInvoice(state, T0);
    const next = invoiceIssued(state, built, { ...summaryOf(built), periodIndex: null });
    expect(next.currentPeriodInvoiced).toBe(false);
  });
});

describe('nextAttempt and charge keys', () => {
  test('attempts count per invoice: the next attempt after a failed renewal is 2, and keys differ per attempt', () => {
    const { state, invoice } = pastDue('soft');
    expect(nextAttempt(state, RENEWAL)).toBe(2);
    expect(nextAttempt(state, 'INV-sub_1-0009')).toBe(1);
    const charge = chargeOf(state, invoice, FEB_29);
    expect(charge).toMatchObject({ kind: 'charge', charge: { attempt: 2, idempotencyKey: `subscription-sub_1/${RENEWAL}/2`, purpose: { kind: 'collect' } } });
  });

  test('a charge key is derived from its invoice and attempt, never from the period: two invoices of one period never share one', () => {
    const { state, invoice } = pastDue('soft');
    const other = { ...invoice, number: 'INV-sub_1-0003' };
    const key = (effect: Effect) => (effect.kind === 'charge' ? effect.charge.idempotencyKey : null);
    expect(key(chargeOf(state, other, FEB_29))).toBe('subscription-sub_1/INV-sub_1-0003/1');
    expect(key(chargeOf(state, other, FEB_29))).not.toBe(key(chargeOf(state, invoice, FEB_29)));
  });
});

describe('paymentSucceeded', () => {
  test('the first payment activates an incomplete subscription and sends a welcome email, then the receipt', () => {
    const billed = bill(opened('basic-monthly'), T0);
    const at = '2028-01-31T10:00:05.000Z';
    const { state, effects } = paymentSucceeded(billed.state, billed.invoice, at);
    expect(state.status).toBe('active');
    expect(state.latestInvoice).toEqual({ ...billed.invoice, status: 'paid', paidAt: at });
    expect(templates(effects)).toEqual(['welcome', 'receipt']);
    expect(emailOf(effects, 'welcome')).toEqual({ template: 'welcome', planName: 'Basic monthly', amountCents: 900, currency: 'EUR', interval: 'month', trialEnd: null });
    expect(emailOf(effects, 'receipt')).toEqual({ template: 'receipt', invoiceNumber: 'INV-sub_1-0001', amountCents: 900, currency: 'EUR', paidAt: at });
    const mails = effects.flatMap((e) => (e.kind === 'email' ? [e.email] : []));
    expect(mails.map((mail) => mail.key)).toEqual(['sub_1/welcome/opened', 'sub_1/receipt/INV-sub_1-0001']);
    expect(mails.every((mail) => mail.to === 'ada@example.com' && mail.customerName === 'Ada')).toBe(true);
    // A paid period is when the upsell rules look at the subscription.
    expect(effects.at(-1)).toEqual({ kind: 'evaluate_offers', at });
  });

  test('a paid renewal sends only the receipt', () => {
    const renewed = periodEnded(active('basic-monthly')).state;
    const billed = bill(renewed, FEB_29);
    const { state, effects } = paymentSucceeded(billed.state, billed.invoice, FEB_29);
    expect(state.status).toBe('active');
    expect(templates(effects)).toEqual(['receipt']);
  });

  test('a successful retry ends dunning and makes a past_due subscription active again', () => {
    const { state: pastDueState, invoice } = pastDue('soft');
    const { state } = paymentSucceeded(pastDueState, { ...invoice, attempts: 2 }, RETRY_1);
    expect(state.status).toBe('active');
    expect(state.dunning).toBeNull();
    expect(state.latestInvoice).toMatchObject({ number: RENEWAL, status: 'paid', paidAt: RETRY_1, attempts: 2 });
    expect(nextDue(state)).toEqual({ kind: 'period_end', at: MAR_31 });
  });

  test('the first payment after a trial converts it to active without a second welcome', () => {
    const trialing = periodEnded(opened('business-monthly')).state;
    const billed = bill(trialing, trialing.currentPeriod.start);
    const { state, effects } = paymentSucceeded(billed.state, billed.invoice, trialing.currentPeriod.start);
    expect(state.status).toBe('active');
    expect(templates(effects)).toEqual(['receipt']);
  });
});

describe('paymentFailed: first payment', () => {
  test('stays incomplete, with no automatic retry and a deadline 23 hours after creation', () => {
    const billed = bill(opened('basic-monthly'), T0);
    const at = '2028-01-31T10:00:05.000Z';
    const { state, effects } = paymentFailed(billed.state, billed.invoice, decline('soft'), at);
    expect(state.status).toBe('incomplete');
    expect(state.dunning).toEqual({
      invoiceNumber: 'INV-sub_1-0001',
      startedAt: at,
      attempts: 1,
      lastAttemptAt: at,
      lastDeclineCode: 'insufficient_funds',
      lastDeclineType: 'soft',
      nextRetryAt: null,
      deadline: '2028-02-01T09:00:00.000Z',
    });
    expect(state.latestInvoice?.status).toBe('open');
    expect(effects).toHaveLength(1);
    expect(emailOf(effects, 'payment_failed')).toEqual({
      template: 'payment_failed',
      invoiceNumber: 'INV-sub_1-0001',
      amountCents: 900,
      currency: 'EUR',
      attempt: 1,
      declineMessage: 'Your card has insufficient funds.',
      nextRetryAt: null,
      deadline: '2028-02-01T09:00:00.000Z',
      // A first payment never completed means the subscription never starts.
      consequence: 'expire',
    });
    expect(nextDue(state)).toEqual({ kind: 'first_payment_deadline', at: '2028-02-01T09:00:00.000Z' });
  });

  test('the deadline counts from creation (policy incompleteExpiryHours), not from the latest failure', () => {
    const billed = bill(opened('basic-monthly', { policy: policyWith({}, { incompleteExpiryHours: 48 }) }), T0);
    const first = paymentFailed(billed.state, billed.invoice, decline('soft'), T0).state;
    const second = paymentFailed(first, { ...billed.invoice, attempts: 2 }, decline('hard'), '2028-02-01T20:00:00.000Z').state;
    expect(second.status).toBe('incomplete');
    expect(second.dunning).toMatchObject({ attempts: 2, startedAt: T0, deadline: '2028-02-02T10:00:00.000Z', lastDeclineType: 'hard' });
  });

  test('an expired first payment ends the subscription as incomplete_expired and voids the invoice', () => {
    const billed = bill(opened('basic-monthly'), T0);
    const failed = paymentFailed(billed.state, billed.invoice, decline('soft'), T0).state;
    const at = '2028-02-01T09:00:00.000Z';
    const { state, effects } = firstPaymentExpired(failed, at);
    expect(state).toMatchObject({ status: 'incomplete_expired', dunning: null, endedAt: at, cancelReason: 'payment_not_completed', latestInvoice: { status: 'void' } });
    expect(effects).toEqual([{ kind: 'invoice_status', invoiceNumber: 'INV-sub_1-0001', status: 'void', at, credit: [] }]);
    expect(nextDue(state)).toBeNull();
  });
});

describe('paymentFailed: renewal dunning', () => {
  test('a soft decline makes the subscription past_due and tells the customer when the retry is', () => {
    const { state, effects } = pastDue('soft');
    expect(state.status).toBe('past_due');
    expect(state.dunning).toMatchObject({ invoiceNumber: RENEWAL, attempts: 1, startedAt: FEB_29, nextRetryAt: RETRY_1, deadline: RETRY_4 });
    expect(state.latestInvoice).toMatchObject({ number: RENEWAL, status: 'open' });
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ kind: 'email', email: { key: `sub_1/payment_failed/${RENEWAL}/1` } });
    expect(emailOf(effects, 'payment_failed')).toEqual({
      template: 'payment_failed',
      invoiceNumber: RENEWAL,
      amountCents: 900,
      currency: 'EUR',
      attempt: 1,
      declineMessage: 'Your card has insufficient funds.',
      nextRetryAt: RETRY_1,
      deadline: RETRY_4,
      consequence: 'cancel',
    });
    expect(nextDue(state)).toEqual({ kind: 'dunning_retry', at: RETRY_1 });
  });

  test('a hard decline makes it past_due with no retry: the email asks for a new payment method', () => {
    const { state, effects } = pastDue('hard');
    expect(state.status).toBe('past_due');
    expect(state.dunning).toMatchObject({ nextRetryAt: null, deadline: RETRY_4, lastDeclineType: 'hard' });
    expect(emailOf(effects, 'payment_failed')).toMatchObject({ nextRetryAt: null, deadline: RETRY_4 });
    expect(nextDue(state)).toEqual({ kind: 'dunning_deadline', at: RETRY_4 });
  });

  test('a failed trial conversion makes a trialing subscription past_due', () => {
    const trialing = periodEnded(opened('business-monthly')).state;
    const billed = bill(trialing, trialing.currentPeriod.start);
    const { state } = paymentFailed(billed.state, billed.invoice, decline('soft'), trialing.currentPeriod.start);
    expect(state.status).toBe('past_due');
    expect(state.dunning?.nextRetryAt).toBe('2028-02-17T10:00:00.000Z');
  });

  test('the email before the last retry is a final notice naming the consequence', () => {
    let { state } = pastDue('soft');
    const sent: Effect[][] = [];
    for (const at of [RETRY_1, RETRY_2, RETRY_3]) {
      const step = failAgain(state, at);
      state = step.state;
      sent.push(step.effects);
    }
    expect(sent.map(templates)).toEqual([['payment_failed'], ['payment_failed'], ['final_notice']]);
    expect(state.status).toBe('past_due');
    expect(emailOf(sent[2]!, 'final_notice')).toEqual({
      template: 'final_notice',
      invoiceNumber: RENEWAL,
      amountCents: 900,
      currency: 'EUR',
      finalAttemptAt: RETRY_4,
      consequence: 'cancel',
    });
    expect(sent[2]![0]).toMatchObject({ email: { key: `sub_1/final_notice/${RENEWAL}/4` } });
  });

  test('a failed last retry cancels the subscription for non-payment and voids the invoice', () => {
    let { state } = pastDue('soft');
    for (const at of [RETRY_1, RETRY_2, RETRY_3]) state = failAgain(state, at).state;
    const { state: ended, effects } = failAgain(state, RETRY_4);
    expect(ended).toMatchObject({
      status: 'canceled',
      dunning: null,
      canceledAt: RETRY_4,
      endedAt: RETRY_4,
      cancelReason: 'non_payment',
      latestInvoice: { number: RENEWAL, status: 'void', attempts: 5 },
    });
    expect(effects[0]).toEqual({ kind: 'invoice_status', invoiceNumber: RENEWAL, status: 'void', at: RETRY_4, credit: [] });
    expect(templates(effects)).toEqual(['canceled']);
    expect(emailOf(effects, 'canceled')).toEqual({ template: 'canceled', reason: 'non_payment', endedAt: RETRY_4, refundCents: 0, currency: 'EUR' });
    expect(nextDue(ended)).toBeNull();
  });

  test("with finalAction 'unpaid' the last failure suspends the subscription and marks the invoice uncollectible", () => {
    const options = { policy: policyWith({ finalAction: 'unpaid' }) };
    let { state } = pastDue('soft', options);
    const notices: Effect[] = [];
    for (const at of [RETRY_1, RETRY_2, RETRY_3]) {
      const step = failAgain(state, at);
      state = step.state;
      notices.push(...step.effects);
    }
    expect(emailOf(notices, 'final_notice').consequence).toBe('unpaid');
    const { state: suspended, effects } = failAgain(state, RETRY_4);
    expect(suspended).toMatchObject({ status: 'unpaid', dunning: null, endedAt: null, canceledAt: null, latestInvoice: { number: RENEWAL, status: 'uncollectible' } });
    expect(effects[0]).toEqual({ kind: 'invoice_status', invoiceNumber: RENEWAL, status: 'uncollectible', at: RETRY_4, credit: [] });
    expect(emailOf(effects, 'unpaid')).toEqual({ template: 'unpaid', invoiceNumber: RENEWAL, amountCents: 900, currency: 'EUR' });
    expect(nextDue(suspended)).toBeNull();
  });

  test('a hard decline that reaches the deadline ends dunning with the final action (retriesExhausted)', () => {
    const { state } = pastDue('hard');
    const { state: ended, effects } = retriesExhausted(state, RETRY_4);
    expect(ended).toMatchObject({ status: 'canceled', cancelReason: 'non_payment', endedAt: RETRY_4, latestInvoice: { status: 'void' } });
    expect(effects.map((e) => e.kind)).toEqual(['invoice_status', 'email']);
  });

  test('retriesExhausted without dunning changes nothing', () => {
    const state = active('basic-monthly');
    expect(retriesExhausted(state, FEB_29)).toEqual({ state, effects: [] });
  });

  test('a failed reactivation of an unpaid subscription keeps it unpaid and voids the invoice of the period that never started', () => {
    let { state } = pastDue('soft', { policy: policyWith({ finalAction: 'unpaid' }) });
    for (const at of [RETRY_1, RETRY_2, RETRY_3, RETRY_4]) state = failAgain(state, at).state;
    expect(state.status).toBe('unpaid');
    // Reactivation, as the workflow does it: a fresh period from the new card's arrival, billed at once.
    const billed = bill(reanchor(state, '2028-04-02T10:00:00.000Z'), '2028-04-02T10:00:00.000Z');
    const at = '2028-04-02T10:00:01.000Z';
    const { state: after, effects } = paymentFailed(billed.state, billed.invoice, decline('soft'), at);
    expect(after.status).toBe('unpaid');
    expect(after.latestInvoice).toMatchObject({ number: billed.invoice.number, status: 'void' });
    expect(effects[0]).toEqual({ kind: 'invoice_status', invoiceNumber: billed.invoice.number, status: 'void', at, credit: [] });
    expect(emailOf(effects, 'payment_failed')).toMatchObject({ nextRetryAt: null, deadline: null });
  });
});

describe('paymentFailed: a schedule exhausted by the first renewal failure', () => {
  // DUNNING_RETRY_DAYS=0 is accepted by the config (/^\d+(,\d+)*$/); an empty list is accepted by the type.
  test.each([
    ['an empty schedule', [] as number[]],
    ['a zero-day schedule', [0]],
  ])('with %s, a failed renewal of an active subscription cancels it for non-payment', (_label, retryDelaysDays) => {
    const renewed = periodEnded(active('basic-monthly', { policy: policyWith({ retryDelaysDays }) })).state;
    const billed = bill(renewed, FEB_29);
    const { state, effects } = paymentFailed(billed.state, billed.invoice, decline('soft'), FEB_29);
    expect(state).toMatchObject({ status: 'canceled', cancelReason: 'non_payment', dunning: null, latestInvoice: { status: 'void' } });
    expect(effects[0]).toEqual({ kind: 'invoice_status', invoiceNumber: RENEWAL, status: 'void', at: FEB_29, credit: [] });
  });

  test("with an empty schedule and finalAction 'unpaid', a hard-declined renewal suspends the subscription", () => {
    const renewed = periodEnded(active('basic-monthly', { policy: policyWith({ retryDelaysDays: [], finalAction: 'unpaid' }) })).state;
    const billed = bill(renewed, FEB_29);
    const { state } = paymentFailed(billed.state, billed.invoice, decline('hard'), FEB_29);
    expect(state.status).toBe('unpaid');
  });
});
