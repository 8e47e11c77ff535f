// What Stripe's test mode answers for its documented test payment methods (docs.stripe.com/testing),
// kept in memory: the state stateless stripe-mock cannot keep (customers, attachments, each
// PaymentIntent's status). Only the requests the Stripe gateway makes are emulated; anything else
// answers `undefined`, and the stand-in fails it loudly rather than invent what Stripe would say.
import { errorFixture, fixture, stripeId, unixNow, type FixtureName, type StripeObject } from './stripe-fixtures';

export interface StripeAnswer {
  status: number;
  body: StripeObject;
}

interface CardError {
  code: string;
  decline_code?: string;
  message: string;
  param?: string;
}

interface TestCard {
  last4: string;
  /** How every charge of it is declined. */
  decline?: CardError;
  /** Stripe checks the card when it is attached to a customer: these test cards fail that check already. */
  declinesOnAttach?: boolean;
  /** 3-D Secure on every payment: off-session that is Stripe's `authentication_required` decline. */
  alwaysAuthenticates?: boolean;
}

const declined = (decline_code: string, message = 'Your card was declined.'): CardError => ({ code: 'card_declined', decline_code, message });

export const TEST_CARDS: Record<string, TestCard> = {
  pm_card_visa: { last4: '4242' },
  pm_card_chargeDeclined: { last4: '0002', decline: declined('generic_decline'), declinesOnAttach: true },
  pm_card_chargeDeclinedInsufficientFunds: { last4: '9995', decline: declined('insufficient_funds', 'Your card has insufficient funds.'), declinesOnAttach: true },
  pm_card_chargeDeclinedLostCard: { last4: '9987', decline: declined('lost_card'), declinesOnAttach: true },
  pm_card_chargeDeclinedStolenCard: { last4: '9979', decline: declined('stolen_card'), declinesOnAttach: true },
  pm_card_chargeDeclinedExpiredCard: { last4: '0069', decline: { code: 'expired_card', message: 'Your card has expired.', param: 'exp_month' }, declinesOnAttach: true },
  /** Attaches, then every charge is declined: Stripe's card for declines of saved cards. */
  pm_card_chargeCustomerFail: { last4: '0341', decline: declined('generic_decline') },
  pm_card_authenticationRequired: { last4: '3184', alwaysAuthenticates: true },
};

const AUTHENTICATION_REQUIRED: CardError = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

/** A charge that waits: for the customer's 3-D Secure step, or for a bank debit to settle. */
export type WaitingStatus = 'requires_action' | 'processing';

// Stripe cancels a processing PaymentIntent only "in rare cases" (its API reference): the stand-in
// answers the usual refusal.
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action'];
/** What a PaymentIntent keeps from its creation whatever its status (the rest comes from the status's fixture). */
const IDENTITY = ['id', 'amount', 'currency', 'customer', 'description', 'metadata', 'payment_method', 'client_secret', 'created', 'latest_charge', 'last_payment_error'];

const docUrl = (code: string) => `https://docs.stripe.com/error-codes/${code.replace(/_/g, '-')}`;

export class StripeTestMode {
  private readonly customers = new Set<string>();
  /** Payment methods made by attaching a test card: each attach of a `pm_card_…` makes a new one. */
  private readonly attached = new Map<string, { card: TestCard; customer: string }>();
  private readonly intents = new Map<string, StripeObject>();
  private readonly setupIntents = new Map<string, StripeObject>();
  private readonly refundedCents = new Map<string, number>();
  private readonly waiting: WaitingStatus[] = [];

  /**
   * The next charge that would succeed waits instead. Stripe's test cards cannot produce this for
   * an off-session card payment (3-D Secure then declines with `authentication_required`), but
   * Stripe answers it for payments that do wait, and the gateway must handle it.
   */
  nextChargeWaits(status: WaitingStatus): void {
    this.waiting.push(status);
  }

  /** What the customer (or the bank) does with a waiting charge: it succeeds, or authentication fails. */
  finish(id: string, outcome: 'succeeded' | 'authentication_failed'): StripeObject {
    const intent = this.intents.get(id);
    if (!intent || (intent.status !== 'requires_action' && intent.status !== 'processing')) throw new Error(`${id} is not waiting`);
    if (outcome === 'succeeded') return this.store(this.moved(intent, 'payment_intent.succeeded', { latest_charge: intent.latest_charge ?? stripeId('ch_3') }));
    if (intent.status !== 'requires_action') throw new Error(`${id} is processing: only an authentication fails`);
    const error = {
      code: 'payment_intent_authentication_failure',
      doc_url: docUrl('payment_intent_authentication_failure'),
      message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.',
      payment_method: this.paymentMethod(String(intent.payment_method)),
      type: 'invalid_request_error',
    };
    return this.store(this.moved(intent, 'payment_intent.requires_payment_method', { last_payment_error: error }));
  }

  /**
   * What Stripe.js does when the customer presses Save on the Payment Element: it confirms the
   * SetupIntent of `clientSecret` (the page's) with the card typed in. Stripe checks the card and
   * attaches it to the SetupIntent's customer as a new payment method; a card that fails the check
   * leaves the SetupIntent waiting for another, with the error.
   */
  confirmSetup(clientSecret: string, card: keyof typeof TEST_CARDS): StripeObject {
    const intent = [...this.setupIntents.values()].find((candidate) => candidate.client_secret === clientSecret);
    if (!intent || intent.status !== 'requires_payment_method') throw new Error(`no SetupIntent awaiting a payment method has the client secret ${clientSecret}`);
    const attached = this.attach(card, String(intent.customer));
    if (attached.status !== 200) {
      const error = { ...(attached.body.error as StripeObject), type: 'card_error' };
      return this.storeSetup({ ...intent, last_setup_error: error });
    }
    const body = fixture('setup_intent.succeeded');
    for (const field of ['id', 'client_secret', 'created', 'customer', 'metadata', 'usage']) body[field] = intent[field];
    return this.storeSetup(Object.assign(body, { payment_method: attached.body.id, latest_attempt: stripeId('setatt_1') }));
  }

  /** The payment method a test card became when `confirmSetup` attached it. */
  setupPaymentMethod(setupIntentId: string): string {
    return String(this.setupIntents.get(setupIntentId)?.payment_method);
  }

  handle(method: string, path: string, params: StripeObject): StripeAnswer | undefined {
    const [, resource, id, action] = path.split('?')[0]!.split('/').slice(1);
    const route = `${method} ${resource}${id ? (id === 'search' ? '/search' : '/:id') : ''}${action ? `/${action}` : ''}`;
    switch (route) {
      case 'POST customers':
        return this.createCustomer(params);
      case 'GET payment_methods/:id':
        return this.cardOf(id!) ? ok(this.paymentMethod(id!)) : missing('PaymentMethod', id!, 'payment_method');
      case 'POST payment_methods/:id/attach':
        return this.attach(id!, String(params.customer));
      case 'POST payment_intents':
        return this.createIntent(params);
      case 'GET payment_intents/:id':
        return this.answerIntent(id!);
      case 'GET payment_intents/search':
        return this.search(String(params.query ?? ''));
      case 'POST payment_intents/:id/cancel':
        return this.cancel(id!, params);
      case 'POST refunds':
        return this.refund(params);
      case 'POST setup_intents':
        return this.createSetupIntent(params);
      case 'GET setup_intents/:id': {
        const intent = this.setupIntents.get(id!);
        return intent ? ok(intent) : missing('setup_intent', id!, 'intent');
      }
      default:
        return undefined;
    }
  }

  private createCustomer(params: StripeObject): StripeAnswer {
    const customer = fixture('customer');
    Object.assign(customer, { id: stripeId('cus_', 14), created: unixNow(), email: params.email ?? null, name: params.name ?? null, metadata: params.metadata ?? {} });
    this.customers.add(String(customer.id));
    return ok(customer);
  }

  private createSetupIntent(params: StripeObject): StripeAnswer {
    if (params.customer !== undefined && !this.customers.has(String(params.customer))) return missing('customer', String(params.customer), 'customer');
    const intent = fixture('setup_intent.requires_payment_method');
    const id = stripeId('seti_1');
    Object.assign(intent, {
      id,
      client_secret: `${id}_secret_${stripeId('', 30)}`,
      created: unixNow(),
      customer: params.customer ?? null,
      metadata: params.metadata ?? {},
      usage: params.usage ?? 'off_session',
    });
    return ok(this.storeSetup(intent));
  }

  private storeSetup(intent: StripeObject): StripeObject {
    this.setupIntents.set(String(intent.id), intent);
    return intent;
  }

  private cardOf(id: string): TestCard | undefined {
    return (Object.hasOwn(TEST_CARDS, id) ? TEST_CARDS[id] : undefined) ?? this.attached.get(id)?.card;
  }

  private paymentMethod(id: string): StripeObject {
    const method = fixture('payment_method.card');
    const card = method.card as StripeObject;
    Object.assign(method, { id, customer: this.attached.get(id)?.customer ?? null });
    Object.assign(card, { last4: this.cardOf(id)!.last4 });
    return method;
  }

  private attach(id: string, customer: string): StripeAnswer {
    const card = this.cardOf(id);
    if (!card) return missing('PaymentMethod', id, 'payment_method');
    if (!this.customers.has(customer)) return missing('customer', customer, 'customer');
    const existing = this.attached.get(id);
    if (existing && existing.customer !== customer) return answer(400, fixture('error.payment_method_attached_elsewhere'));
    if (existing) return ok(this.paymentMethod(id));
    if (card.declinesOnAttach && card.decline) return cardError(card.decline);
    const clone = stripeId('pm_1');
    this.attached.set(clone, { card, customer });
    return ok(this.paymentMethod(clone));
  }

  private createIntent(params: StripeObject): StripeAnswer | undefined {
    const paymentMethod = String(params.payment_method ?? '');
    const card = this.cardOf(paymentMethod);
    if (params.confirm !== 'true' || !card) return card ? undefined : missing('PaymentMethod', paymentMethod, 'payment_method');
    const automatic = params.automatic_payment_methods as StripeObject | undefined;
    if (params.return_url === undefined && params.payment_method_types === undefined && automatic?.allow_redirects !== 'never') {
      return answer(400, fixture('error.return_url_required'));
    }
    if (params.customer !== undefined && !this.customers.has(String(params.customer))) return missing('customer', String(params.customer), 'customer');
    const created = this.createdIntent(params);
    const offSession = params.off_session === 'true';
    const decline = card.decline ?? (card.alwaysAuthenticates && offSession ? AUTHENTICATION_REQUIRED : undefined);
    if (decline) {
      const charge = stripeId('ch_3');
      const error = { ...decline, doc_url: docUrl(decline.code), charge, payment_method: this.paymentMethod(paymentMethod), type: 'card_error' };
      const intent = this.store(this.moved(created, 'payment_intent.requires_payment_method', { latest_charge: charge, last_payment_error: error }));
      return cardError(decline, { charge, intent, paymentMethod: this.paymentMethod(paymentMethod) });
    }
    if (card.alwaysAuthenticates && params.return_url === undefined) return undefined;
    const waits = card.alwaysAuthenticates ? 'requires_action' : this.waiting.shift();
    if (waits === 'requires_action') return ok(this.store(this.moved(created, 'payment_intent.requires_action', {})));
    return ok(this.store(this.moved(created, waits === 'processing' ? 'payment_intent.processing' : 'payment_intent.succeeded', { latest_charge: stripeId('ch_3') })));
  }

  private createdIntent(params: StripeObject): StripeObject {
    const id = stripeId('pi_3');
    return {
      id,
      amount: Number(params.amount),
      currency: params.currency,
      customer: params.customer ?? null,
      description: params.description ?? null,
      metadata: params.metadata ?? {},
      payment_method: params.payment_method,
      client_secret: `${id}_secret_${stripeId('', 25)}`,
      created: unixNow(),
      latest_charge: null,
      last_payment_error: null,
      // Read by `moved` for the redirect's way back; not a field of the answer.
      return_url: params.return_url,
    };
  }

  /** The intent in another status: that status's recorded body, with what the intent keeps. */
  private moved(intent: StripeObject, status: FixtureName, changes: StripeObject): StripeObject {
    const body = fixture(status);
    const redirect = (body.next_action as { redirect_to_url?: StripeObject } | null)?.redirect_to_url;
    if (redirect) {
      // The recorded link names the recorded intent: it must name this one.
      const url = String(redirect.url).replaceAll(String(body.client_secret), String(intent.client_secret)).replaceAll(String(body.id), String(intent.id));
      Object.assign(redirect, { url, return_url: intent.return_url ?? redirect.return_url });
    }
    for (const field of IDENTITY) body[field] = intent[field];
    if (body.status === 'succeeded') body.amount_received = intent.amount;
    return Object.assign(body, changes);
  }

  private store(intent: StripeObject): StripeObject {
    this.intents.set(String(intent.id), intent);
    return intent;
  }

  private answerIntent(id: string): StripeAnswer {
    const intent = this.intents.get(id);
    return intent ? ok(intent) : missing('payment_intent', id, 'intent');
  }

  /**
   * Stripe's search over the PaymentIntents made so far, for the one query form the gateway sends:
   * `metadata['<key>']:'<value>'`, with `\'` and `\\` escaped in the value. Stripe's search lags
   * behind writes; this one does not, which is what it is after the 24 hours the gateway relies on.
   */
  private search(query: string): StripeAnswer | undefined {
    const match = /^metadata\['(\w+)'\]:'((?:[^'\\]|\\.)*)'$/.exec(query);
    if (!match) return undefined;
    const [, key, quoted] = match;
    const value = quoted!.replace(/\\(.)/g, '$1');
    const data = [...this.intents.values()].filter((intent) => (intent.metadata as StripeObject)[key!] === value);
    // stripe-mock answers `total_count` (Stripe only with `expand[]=total_count`): the stand-in's answer must have its fields.
    return ok({ object: 'search_result', data, has_more: false, next_page: null, total_count: data.length, url: '/v1/payment_intents/search' });
  }

  private cancel(id: string, params: StripeObject): StripeAnswer {
    const intent = this.intents.get(id);
    if (!intent) return missing('payment_intent', id, 'intent');
    if (!CANCELABLE.includes(String(intent.status))) {
      const error = errorFixture('error.payment_intent_unexpected_state');
      Object.assign(error, { message: String(error.message).replace('STATUS', String(intent.status)), payment_intent: intent });
      return answer(400, { error });
    }
    return ok(this.store(this.moved(intent, 'payment_intent.canceled', { canceled_at: unixNow(), cancellation_reason: params.cancellation_reason ?? null })));
  }

  private refund(params: StripeObject): StripeAnswer | undefined {
    const intent = this.intents.get(String(params.payment_intent));
    const refunded = this.refundedCents.get(String(params.payment_intent)) ?? 0;
    const amount = params.amount === undefined ? Number(intent?.amount) - refunded : Number(params.amount);
    if (!intent || intent.status !== 'succeeded' || refunded + amount > Number(intent.amount)) return undefined;
    this.refundedCents.set(String(intent.id), refunded + amount);
    const refund = fixture('refund');
    Object.assign(refund, {
      id: stripeId('re_3'),
      amount,
      charge: intent.latest_charge,
      created: unixNow(),
      currency: intent.currency,
      metadata: params.metadata ?? {},
      payment_intent: intent.id,
      payment_method: intent.payment_method,
    });
    return ok(refund);
  }
}

function ok(body: StripeObject): StripeAnswer {
  return { status: 200, body };
}

function answer(status: number, body: StripeObject): StripeAnswer {
  return { status, body };
}

function missing(resource: string, id: string, param: string): StripeAnswer {
  const error = errorFixture('error.resource_missing');
  Object.assign(error, { message: `No such ${resource}: '${id}'`, param });
  return answer(404, { error });
}

/** Stripe's 402: from a charge it names the charge, the PaymentIntent and the payment method; from the card check on attaching, none. */
function cardError(decline: CardError, charged?: { charge: string; intent: StripeObject; paymentMethod: StripeObject }): StripeAnswer {
  const error = errorFixture('error.card_error');
  for (const field of ['charge', 'payment_intent', 'payment_method', 'decline_code', 'param']) delete error[field];
  Object.assign(error, decline, { doc_url: docUrl(decline.code) });
  if (charged) Object.assign(error, { charge: charged.charge, payment_intent: charged.intent, payment_method: charged.paymentMethod });
  return answer(402, { error });
}
