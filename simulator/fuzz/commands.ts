// The commands of the model-based fuzz: what a customer, an operator or the clock can do to one
// subscription, through the real API. Each command is valid HTTP; whether the engine accepts it
// (200), refuses it (409) or a card declines it (402) is the engine's business. What must never
// happen is any other answer, or a subscription whose workflow fails or stops settling.
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import request from 'supertest';
import type { FuzzModel, FuzzReal } from './api-command';
import { ApiCommand, DAY, guarded, HOUR, path, post, record, settle, trace, until } from './api-command';
import { catalogueCommand } from './catalogue-commands';

export type { FuzzModel, FuzzReal } from './api-command';
export { DAY, HOUR } from './api-command';

export const PLANS = ['basic-monthly', 'pro-monthly', 'business-monthly', 'basic-yearly', 'pro-yearly', 'business-yearly', 'pro-monthly-nok'] as const;

/** Cards that succeed, decline softly or hard, fail a few times first, or whose gateway is briefly unreachable. */
export const CARDS = [
  'pm_card_visa',
  'pm_card_visa',
  'pm_card_insufficient_funds',
  'pm_card_declined',
  'pm_card_stolen',
  'pm_card_expired',
  'pm_card_fail_first_1',
  'pm_card_fail_first_2',
  'pm_card_unavailable_1',
  'pm_card_lost_response_1',
  // Pending until settled (SettlePending) or their deadline: 3-D Secure, and asynchronous settlement.
  'pm_card_authentication_required',
  'pm_async_succeeds',
  'pm_async_fails',
] as const;

class ChangePlan extends ApiCommand {
  constructor(
    readonly plan: string,
    readonly when: 'now' | 'period_end' | undefined,
  ) {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/plan', { plan: this.plan, ...(this.when ? { when: this.when } : {}) });
  }
  toString() {
    return `changePlan(${this.plan}${this.when ? `, ${this.when}` : ''})`;
  }
}

class DropScheduledChange extends ApiCommand {
  send(real: FuzzReal) {
    return request(real.app).delete(path(real, '/plan-change'));
  }
  toString() {
    return 'dropScheduledChange()';
  }
}

class Cancel extends ApiCommand {
  constructor(
    readonly when: 'now' | 'period_end',
    readonly refund: 'none' | 'prorated',
  ) {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/cancel', { when: this.when, refund: this.refund });
  }
  toString() {
    return `cancel(${this.when}, ${this.refund})`;
  }
}

class Simple extends ApiCommand {
  constructor(readonly action: 'uncancel' | 'removeCoupon') {
    super();
  }
  send(real: FuzzReal) {
    return this.action === 'uncancel' ? post(real, '/uncancel') : request(real.app).delete(path(real, '/coupon'));
  }
  toString() {
    return `${this.action}()`;
  }
}

class Pause extends ApiCommand {
  constructor(
    readonly when: 'now' | 'period_end',
    readonly periods: number | undefined,
  ) {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/pause', { when: this.when, ...(this.periods ? { periods: this.periods } : {}) });
  }
  toString() {
    return `pause(${this.when}${this.periods ? `, ${this.periods} periods` : ''})`;
  }
}

class Resume extends ApiCommand {
  constructor(readonly billingAnchor: 'now' | 'keep') {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/resume', { billingAnchor: this.billingAnchor });
  }
  toString() {
    return `resume(${this.billingAnchor})`;
  }
}

class UpdatePaymentMethod extends ApiCommand {
  constructor(readonly paymentMethod: string) {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/payment-method', { paymentMethod: this.paymentMethod });
  }
  toString() {
    return `updatePaymentMethod(${this.paymentMethod})`;
  }
}

class SetAddOn extends ApiCommand {
  constructor(
    readonly code: string,
    readonly quantity: number,
  ) {
    super();
  }
  send(real: FuzzReal) {
    return this.quantity === 0 && this.code !== 'welcome-kit'
      ? request(real.app).delete(path(real, `/add-ons/${this.code}`))
      : post(real, '/add-ons', { code: this.code, quantity: this.quantity });
  }
  toString() {
    return `setAddOn(${this.code}, ${this.quantity})`;
  }
}

class ApplyCoupon extends ApiCommand {
  constructor(readonly code: string) {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/coupon', { code: this.code });
  }
  toString() {
    return `applyCoupon(${this.code})`;
  }
}

class ReportUsage extends ApiCommand {
  constructor(
    readonly metric: string,
    readonly quantity: number,
    readonly mode: 'set' | 'increment',
  ) {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/usage', { metric: this.metric, quantity: this.quantity, mode: this.mode });
  }
  toString() {
    return `usage(${this.metric}, ${this.mode} ${this.quantity})`;
  }
}

/**
 * A metered add-on's usage event, sometimes reported late (after its period ended, within or past
 * the grace window) and from a small pool of ids, so duplicates and late events both happen.
 */
class MeteredUsage extends ApiCommand {
  private occurredAt = '';
  constructor(
    readonly metric: 'api_calls' | 'active_users',
    readonly quantity: number,
    readonly eventId: string,
    readonly lateMinutes: number,
  ) {
    super();
  }
  override async prepare(real: FuzzReal): Promise<void> {
    this.occurredAt = new Date((await real.h.env.currentTimeMs()) - this.lateMinutes * 60_000).toISOString();
  }
  send(real: FuzzReal) {
    const body = { metric: this.metric, quantity: this.quantity, mode: 'increment', eventId: this.eventId, occurredAt: this.occurredAt };
    return post(real, '/usage', this.metric === 'active_users' ? { ...body, properties: { user: `u${this.quantity % 7}` } } : body);
  }
  toString() {
    return `meteredUsage(${this.metric}, ${this.quantity}, ${this.eventId}, ${this.lateMinutes} min late)`;
  }
}

/** A line at a negotiated price added mid-period (prorated like an add-on); its code is custom-<n>. */
class AddCustomLine extends ApiCommand {
  constructor(
    readonly unitAmountCents: number,
    readonly quantity: number,
  ) {
    super();
  }
  send(real: FuzzReal) {
    return post(real, '/custom-lines', { description: 'Negotiated service', unitAmountCents: this.unitAmountCents, quantity: this.quantity });
  }
  toString() {
    return `addCustomLine(${this.unitAmountCents} × ${this.quantity})`;
  }
}

/** Skips the next delivery of a shipping add-on, if one is scheduled (else reads the list). */
class SkipDelivery extends ApiCommand {
  private deliveryId: string | undefined;
  override async prepare(real: FuzzReal): Promise<void> {
    const res = await request(real.app).get(path(real, '/deliveries'));
    const deliveries = (res.body as { deliveries?: Array<{ id: string; status: string; final: boolean }> }).deliveries ?? [];
    // Sometimes one past its cut-off, which is refused.
    this.deliveryId = deliveries.find((delivery) => delivery.status === 'scheduled')?.id;
  }
  send(real: FuzzReal) {
    return this.deliveryId ? post(real, `/deliveries/${this.deliveryId}/skip`) : request(real.app).get(path(real, '/deliveries'));
  }
  toString() {
    return 'skipDelivery';
  }
}

class ChangeDeliveryAddress extends ApiCommand {
  constructor(readonly city: string) {
    super();
  }
  send(real: FuzzReal) {
    return request(real.app)
      .put(path(real, '/delivery-address'))
      .send({ address: { lines: ['1 Fuzz Street'], postalCode: '0150', city: this.city, country: 'NO' } });
  }
  toString() {
    return `changeDeliveryAddress(${this.city})`;
  }
}

/** Billing profiles that tax differently: domestic VAT, another EU country's, reverse charge, export, exempt. */
const PROFILES = {
  'NO consumer': { kind: 'consumer', address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' } },
  'NO business': { kind: 'business', organizationNumber: '974760673', address: { lines: ['Karl Johans gate 22'], postalCode: '0159', city: 'Oslo', country: 'NO' } },
  'DE consumer': { kind: 'consumer', address: { lines: ['Unter den Linden 1'], postalCode: '10117', city: 'Berlin', country: 'DE' } },
  'SE business': { kind: 'business', vatId: 'SE556036079301', address: { lines: ['Drottninggatan 1'], postalCode: '11151', city: 'Stockholm', country: 'SE' } },
  'US business': { kind: 'business', address: { lines: ['1 Main Street'], postalCode: '10001', city: 'New York', country: 'US' } },
  'NO exempt': { kind: 'business', organizationNumber: '974760673', taxExemptionReason: 'Diplomatic mission (mval. § 6-29)', address: { lines: ['Drammensveien 1'], postalCode: '0244', city: 'Oslo', country: 'NO' } },
} as const;

/** The customer's billing profile changes: invoices from then on are taxed by it, whatever was paid before. */
class SetBillingProfile extends ApiCommand {
  private customerId = '';
  constructor(readonly profile: keyof typeof PROFILES) {
    super();
  }
  override async prepare(real: FuzzReal): Promise<void> {
    const row = await real.h.db.prisma.subscription.findUniqueOrThrow({ where: { id: real.subscriptionId }, select: { customerId: true } });
    this.customerId = row.customerId;
  }
  send(real: FuzzReal) {
    return request(real.app)
      .put(`/customers/${this.customerId}/billing-profile`)
      .send({ legalName: `${real.subscriptionId} (${this.profile})`, ...PROFILES[this.profile] });
  }
  toString() {
    return `setBillingProfile(${this.profile})`;
  }
}

/** Answers the open offer, if there is one (an unknown offer id otherwise, which is refused). */
class AnswerOffer extends ApiCommand {
  private offerId = 'OFR-none-0001';
  constructor(readonly answer: 'accept' | 'decline') {
    super();
  }
  override async prepare(real: FuzzReal) {
    const current = await request(real.app).get(path(real, ''));
    this.offerId = (current.body as { offer?: { id: string } | null }).offer?.id ?? 'OFR-none-0001';
  }
  send(real: FuzzReal) {
    return post(real, `/offers/${this.offerId}/${this.answer}`);
  }
  toString() {
    return `${this.answer}Offer()`;
  }
}

/**
 * The provider's word on the subscription's payment in flight (the sandbox's settle callback): the
 * customer authenticates or refuses, or the wallet settles. Without one, it settles the latest
 * charge, which answers it as it ended and must change nothing.
 */
class SettlePending extends ApiCommand {
  private chargeId: string | null = null;
  constructor(readonly outcome: 'succeeded' | 'failed') {
    super();
  }
  override async prepare(real: FuzzReal) {
    const current = await request(real.app).get(path(real, ''));
    const pending = (current.body as { pendingPayment?: { chargeId: string } | null }).pendingPayment;
    const latest = await real.h.db.prisma.paymentAttempt.findFirst({
      where: { invoice: { subscriptionId: real.subscriptionId }, gatewayChargeId: { startsWith: 'ch_' } },
      orderBy: { createdAt: 'desc' },
    });
    this.chargeId = pending?.chargeId ?? latest?.gatewayChargeId ?? null;
  }
  send(real: FuzzReal) {
    // Nothing charged yet (a trial, an import): a read that needs no worker, as AtOnce may have stopped it.
    if (!this.chargeId) return request(real.app).get(path(real, '/invoices'));
    return request(real.app).post(`/sandbox/charges/${this.chargeId}/settle?outcome=${this.outcome}`).set('Accept', 'application/json');
  }
  toString() {
    return `settlePending(${this.outcome})`;
  }
}

/**
 * Two commands at the same instant, reaching the workflow in one workflow task: the worker is
 * stopped until both have been sent to Temporal (or answered without it), so the workflow meets
 * them together, as it meets commands that arrive while a step is running.
 */
class AtOnce extends ApiCommand {
  constructor(
    readonly first: ApiCommand,
    readonly second: ApiCommand,
  ) {
    super();
  }
  override async run(model: FuzzModel, real: FuzzReal): Promise<void> {
    model.commands += 2;
    trace(real, `${this.toString()}…`);
    await settle(real);
    await this.first.prepare(real);
    await this.second.prepare(real);
    await real.h.stopWorker();
    let answered = 0;
    let sent: Array<Promise<request.Response>> = [];
    try {
      const calls = real.temporalCalls();
      // Promise.resolve: a supertest request is sent when something awaits it.
      sent = [this.first, this.second].map((command) => Promise.resolve(command.send(real)).finally(() => (answered += 1)));
      await until(() => real.temporalCalls() - calls + answered >= 2, 'both commands to reach Temporal');
      // The last call was made; give the server a moment to register it before the worker polls.
      await sleep(50);
    } finally {
      await real.h.startWorker();
    }
    const [a, b] = await guarded(real, this.toString(), () => Promise.all(sent));
    record(real, `${this.toString()}: ${this.first.toString()}`, a!);
    record(real, `${this.toString()}: ${this.second.toString()}`, b!);
  }
  override send(): Promise<request.Response> {
    throw new Error('AtOnce sends its two commands itself');
  }
  toString() {
    return `atOnce(${this.first.toString()}, ${this.second.toString()})`;
  }
}

/**
 * A new card, then at once a command that charges now: the path where a decline meets a plan
 * change or an offer (issue 11's first reproduction). Drawn as a pair because, drawn apart, a
 * renewal in between usually makes the subscription past due first, and declines at a command
 * would be rare.
 */
class CardThen extends ApiCommand {
  constructor(
    readonly card: UpdatePaymentMethod,
    readonly then: ApiCommand,
  ) {
    super();
  }
  override async run(model: FuzzModel, real: FuzzReal): Promise<void> {
    await this.card.run(model, real);
    await this.then.run(model, real);
  }
  override send(): Promise<request.Response> {
    throw new Error('CardThen runs its two commands itself');
  }
  toString() {
    return `cardThen(${this.card.toString()}, ${this.then.toString()})`;
  }
}

/** Time passes: renewals, trial ends, dunning retries, pauses ending and offers expiring happen on their own. */
class Advance implements fc.AsyncCommand<FuzzModel, FuzzReal> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  async run(_model: FuzzModel, real: FuzzReal): Promise<void> {
    trace(real, `${this.toString()}…`);
    await guarded(real, this.toString(), () => real.h.env.sleep(this.ms));
    await settle(real);
  }
  toString() {
    return this.ms % DAY === 0 ? `advance(${this.ms / DAY}d)` : `advance(${this.ms / HOUR}h)`;
  }
}

const timing = fc.constantFrom<'now' | 'period_end'>('now', 'period_end');

const card = fc.constantFrom(...CARDS).map((c) => new UpdatePaymentMethod(c));

const apiCommand: fc.Arbitrary<ApiCommand> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...PLANS), fc.option(timing, { nil: undefined })).map(([plan, when]) => new ChangePlan(plan, when)) },
  { weight: 1, arbitrary: fc.constant(new DropScheduledChange()) },
  { weight: 1, arbitrary: fc.tuple(timing, fc.constantFrom<'none' | 'prorated'>('none', 'prorated')).map(([when, refund]) => new Cancel(when, refund)) },
  { weight: 1, arbitrary: fc.constant(new Simple('uncancel')) },
  { weight: 2, arbitrary: fc.tuple(timing, fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined })).map(([when, periods]) => new Pause(when, periods)) },
  { weight: 2, arbitrary: fc.constantFrom<'now' | 'keep'>('now', 'keep').map((anchor) => new Resume(anchor)) },
  { weight: 3, arbitrary: card },
  { weight: 2, arbitrary: fc.constantFrom<'succeeded' | 'failed'>('succeeded', 'succeeded', 'failed').map((outcome) => new SettlePending(outcome)) },
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom('extra-seat', 'extra-storage', 'welcome-kit'), fc.integer({ min: 0, max: 3 })).map(([code, quantity]) => new SetAddOn(code, code === 'welcome-kit' ? Math.max(1, quantity) : quantity)),
  },
  // Metered add-ons (held with quantity 1, billed in arrears) and a shipping one (deliveries).
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('api-calls', 'active-users', 'monthly-box'), fc.integer({ min: 0, max: 2 })).map(([code, quantity]) => new SetAddOn(code, quantity)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom<'api_calls' | 'active_users'>('api_calls', 'active_users'), fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 0, max: 5 }), fc.constantFrom(0, 0, 30, 90))
      .map(([metric, quantity, id, late]) => new MeteredUsage(metric, quantity, `ev-${id}`, late)),
  },
  { weight: 1, arbitrary: fc.constant(new SkipDelivery()) },
  // Custom lines: added at a negotiated price, then set or removed by their code like add-ons.
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 3 })).map(([unit, quantity]) => new AddCustomLine(unit, quantity)) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('custom-1', 'custom-2'), fc.integer({ min: 0, max: 3 })).map(([code, quantity]) => new SetAddOn(code, quantity)) },
  { weight: 1, arbitrary: fc.constantFrom('Oslo', 'Bergen').map((city) => new ChangeDeliveryAddress(city)) },
  { weight: 2, arbitrary: fc.constantFrom('WELCOME20', 'FIRSTFREE', 'LOYAL5').map((code) => new ApplyCoupon(code)) },
  { weight: 1, arbitrary: fc.constant(new Simple('removeCoupon')) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('seats', 'storage_gb'), fc.integer({ min: 0, max: 120 }), fc.constantFrom<'set' | 'increment'>('set', 'increment'))
      .map(([metric, quantity, mode]) => new ReportUsage(metric, quantity, mode)),
  },
  { weight: 2, arbitrary: fc.constantFrom<'accept' | 'decline'>('accept', 'decline').map((answer) => new AnswerOffer(answer)) },
  { weight: 1, arbitrary: fc.constantFrom(...(Object.keys(PROFILES) as Array<keyof typeof PROFILES>)).map((profile) => new SetBillingProfile(profile)) },
  { weight: 2, arbitrary: catalogueCommand(PLANS) },
);

/** Commands that may charge at once: a plan change now, an offer accepted, a one-time add-on. */
const chargingNow: fc.Arbitrary<ApiCommand> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PLANS).map((plan) => new ChangePlan(plan, 'now')) },
  { weight: 1, arbitrary: fc.constant(new AnswerOffer('accept')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((quantity) => new SetAddOn('welcome-kit', quantity)) },
);

const advance = fc.constantFrom(HOUR, DAY, 3 * DAY, 8 * DAY, 16 * DAY, 32 * DAY, 95 * DAY).map((ms) => new Advance(ms));

/** The command arbitraries fc.commands draws from: API commands, pairs at one instant, and time passing. */
export const fuzzCommands: Array<fc.Arbitrary<fc.AsyncCommand<FuzzModel, FuzzReal>>> = [
  apiCommand,
  apiCommand,
  apiCommand,
  advance,
  advance,
  fc.tuple(apiCommand, apiCommand).map(([a, b]) => new AtOnce(a, b)),
  fc.tuple(card, chargingNow).map(([a, b]) => new CardThen(a, b)),
];

/** `value` once in `every` draws, undefined otherwise. */
function sometimes<T>(value: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: every - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
}

/** How a sequence's subscription starts: created (a trial on business plans or when asked), or imported already paid. */
export interface Opening {
  plan: (typeof PLANS)[number];
  paymentMethod: string;
  /** What happens when dunning runs out: cancel, or keep the subscription as unpaid. */
  finalAction: 'cancel' | 'unpaid';
  trialDays: number | undefined;
  /** Imported, paid elsewhere until this long from now. */
  importedForMs: number | undefined;
  /** Created as a custom package: add-ons, a custom line and a coupon from the first invoice. */
  package: { addOns: Array<{ code: string; quantity: number }>; customLines: Array<{ description: string; unitAmountCents: number; quantity: number }>; coupon?: string } | undefined;
}

export const opening: fc.Arbitrary<Opening> = fc.record({
  plan: fc.constantFrom(...PLANS),
  paymentMethod: fc.oneof(
    { weight: 6, arbitrary: fc.constant('pm_card_visa') },
    { weight: 1, arbitrary: fc.constantFrom('pm_card_insufficient_funds', 'pm_card_fail_first_1', 'pm_card_stolen') },
    { weight: 1, arbitrary: fc.constantFrom('pm_card_authentication_required', 'pm_async_succeeds') },
  ),
  finalAction: fc.constantFrom<'cancel' | 'unpaid'>('cancel', 'unpaid'),
  trialDays: sometimes(fc.constantFrom(0, 7), 3),
  importedForMs: sometimes(fc.constantFrom(2 * DAY, 20 * DAY), 6),
  package: sometimes(
    fc.record(
      {
        addOns: fc.subarray([
          { code: 'extra-seat', quantity: 2 },
          { code: 'api-calls', quantity: 1 },
          { code: 'monthly-box', quantity: 1 },
          { code: 'welcome-kit', quantity: 1 },
        ]),
        customLines: fc.array(fc.record({ description: fc.constant('Negotiated line'), unitAmountCents: fc.integer({ min: 0, max: 50_000 }), quantity: fc.integer({ min: 1, max: 3 }) }), { maxLength: 2 }),
        // Coupons sold in every plan's currency (LOYAL5 is EUR only: refused on a NOK plan).
        coupon: fc.constantFrom('WELCOME20', 'FIRSTFREE'),
      },
      { requiredKeys: ['addOns', 'customLines'] },
    ),
    4,
  ),
});

/** Opens the sequence's subscription through the API; fails the run if the API refuses a valid opening. */
export async function openSubscription(real: FuzzReal, how: Opening, now: number): Promise<void> {
  const customer = { email: `${real.subscriptionId}@example.com`, name: real.subscriptionId };
  const subscription = { id: real.subscriptionId, customer, plan: how.plan, paymentMethod: how.paymentMethod };
  const res =
    how.importedForMs !== undefined
      ? await request(real.app)
          .post('/subscriptions/imports')
          .send({ subscriptions: [{ ...subscription, currentPeriodEnd: new Date(now + how.importedForMs).toISOString() }] })
      : await request(real.app)
          .post('/subscriptions')
          .send({ ...subscription, ...(how.trialDays !== undefined ? { trialDays: how.trialDays } : {}), ...(how.package ?? {}) });
  record(real, `open(${JSON.stringify(how)})`, res);
}
