// Outbound webhooks: which lifecycle facts become events, under which idempotency key, and the
// `data` each event carries. Pure: the activities map database rows to these shapes.
import type { Period } from './calendar';

export const WEBHOOK_EVENT_TYPES = [
  'subscription.created',
  'subscription.updated',
  'subscription.canceled',
  'invoice.created',
  'invoice.paid',
  'invoice.payment_failed',
  'offer.created',
  'offer.accepted',
  'delivery.scheduled',
  'delivery.canceled',
  'quote.sent',
  'quote.accepted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** An event about to be recorded (the outbox row); `data` is the payload's `data` member. */
export interface NewWebhookEvent {
  /** Deterministic per fact: a retried activity records the event once. */
  idempotencyKey: string;
  type: WebhookEventType;
  /** Null for a fact before there is a subscription (a quote sent). */
  subscriptionId: string | null;
  /** Business time of the fact (workflow time). */
  createdAt: string;
  data: Record<string, unknown>;
}

/** An endpoint subscribes to the listed types; an empty list means every type. */
export function endpointWants(subscribed: readonly string[], type: string): boolean {
  return subscribed.length === 0 || subscribed.includes(type);
}

// --- subscriptions --------------------------------------------------------------------------

/** The customer-visible facts of a subscription; a change to any of them is `subscription.updated`. */
export interface SubscriptionFacts {
  status: string;
  plan: string;
  paymentMethod: string;
  currentPeriod: Period | null;
  trialEnd: string | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  endedAt: string | null;
}

const FACT_KEYS: readonly (keyof SubscriptionFacts)[] = [
  'status',
  'plan',
  'paymentMethod',
  'currentPeriod',
  'trialEnd',
  'cancelAtPeriodEnd',
  'canceledAt',
  'endedAt',
];

export interface SubscriptionPayload extends SubscriptionFacts {
  id: string;
  customerId: string;
  /** The price snapshotted for this subscription (the plan's list price at subscribe time). */
  price: { amountCents: number; currency: string; interval: { unit: string; count: number } };
}

export const subscriptionEventKeys = {
  created: (id: string) => `subscription.created:${id}`,
  updated: (id: string, version: number) => `subscription.updated:${id}:${version}`,
  canceled: (id: string) => `subscription.canceled:${id}`,
};

/** The previous values of the facts that changed (empty: nothing a customer would see changed). */
export function changedFacts(before: SubscriptionFacts, after: SubscriptionFacts): Partial<SubscriptionFacts> {
  const previous: Record<string, unknown> = {};
  for (const key of FACT_KEYS) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous as Partial<SubscriptionFacts>;
}

/**
 * The events of one projection write (`version` of the state): `created` for the first write,
 * `canceled` when the status becomes canceled, otherwise `updated` with the previous values of
 * what changed (as Stripe's `previous_attributes`).
 */
export function subscriptionEvents(
  before: SubscriptionFacts | null,
  after: SubscriptionPayload,
  version: number,
  at: string,
): NewWebhookEvent[] {
  const event = (type: WebhookEventType, idempotencyKey: string, data: Record<string, unknown>): NewWebhookEvent[] => [
    { idempotencyKey, type, subscriptionId: after.id, createdAt: at, data },
  ];
  if (!before) return event('subscription.created', subscriptionEventKeys.created(after.id), { subscription: after });
  const previousAttributes = changedFacts(before, after);
  if (after.status === 'canceled' && before.status !== 'canceled') {
    return event('subscription.canceled', subscriptionEventKeys.canceled(after.id), { subscription: after, previousAttributes });
  }
  if (Object.keys(previousAttributes).length === 0) return [];
  return event('subscription.updated', subscriptionEventKeys.updated(after.id, version), { subscription: after, previousAttributes });
}

// --- invoices -------------------------------------------------------------------------------

export interface InvoiceLinePayload {
  kind: string;
  description: string;
  quantity: number;
  amountCents: number;
  periodStart: string | null;
  periodEnd: string | null;
  netCents: number;
  taxCents: number;
  taxRateBasisPoints: number;
  vatCategory: string | null;
}

export interface InvoicePayload {
  /** The legal number from the seller's series. */
  number: string;
  /** The subscription's own key for it (INV-<subscription>-<n>). */
  reference: string;
  subscriptionId: string;
  customerId: string;
  status: string;
  billingReason: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  subtotalCents: number;
  netCents: number;
  taxCents: number;
  amountCents: number;
  paidAt: string | null;
  lines: InvoiceLinePayload[];
}

export interface DeclinedPayment {
  attempt: number;
  declineCode: string;
  declineType: string;
  message: string;
}

export const invoiceEventKeys = {
  created: (number: string) => `invoice.created:${number}`,
  paid: (number: string) => `invoice.paid:${number}`,
  /** One per charge attempt (its idempotency key): each failed attempt is its own event. */
  paymentFailed: (chargeKey: string) => `invoice.payment_failed:${chargeKey}`,
};

export function invoiceCreated(invoice: InvoicePayload, at: string): NewWebhookEvent {
  return { idempotencyKey: invoiceEventKeys.created(invoice.reference), type: 'invoice.created', subscriptionId: invoice.subscriptionId, createdAt: at, data: { invoice } };
}

export function invoicePaid(invoice: InvoicePayload, at: string): NewWebhookEvent {
  return { idempotencyKey: invoiceEventKeys.paid(invoice.reference), type: 'invoice.paid', subscriptionId: invoice.subscriptionId, createdAt: at, data: { invoice } };
}

export function invoicePaymentFailed(invoice: InvoicePayload, chargeKey: string, payment: DeclinedPayment, at: string): NewWebhookEvent {
  return {
    idempotencyKey: invoiceEventKeys.paymentFailed(chargeKey),
    type: 'invoice.payment_failed',
    subscriptionId: invoice.subscriptionId,
    createdAt: at,
    data: { invoice, payment },
  };
}

// --- offers ---------------------------------------------------------------------------------

export interface OfferPayload {
  id: string;
  subscriptionId: string;
  ruleId: string;
  fromPlan: string;
  toPlan: string;
  percentOff: number;
  discountPeriods: number;
  currency: string;
  mrrDeltaCents: number;
  status: string;
  createdAt: string;
  expiresAt: string;
  respondedAt: string | null;
}

/** `offer.created` when an offer opens, `offer.accepted` when it is accepted; other outcomes send nothing. */
export function offerEvents(offer: OfferPayload, at: string): NewWebhookEvent[] {
  const type = offer.status === 'open' ? 'offer.created' : offer.status === 'accepted' ? 'offer.accepted' : null;
  if (!type) return [];
  return [{ idempotencyKey: `${type}:${offer.id}`, type, subscriptionId: offer.subscriptionId, createdAt: at, data: { offer } }];
}

// --- quotes ---------------------------------------------------------------------------------

export interface QuotePayload {
  id: string;
  status: string;
  /** Null until the acceptance creates the customer. */
  customerId: string | null;
  customerEmail: string;
  plan: string;
  currency: string;
  expiresAt: string;
  /** Set once accepted: the subscription the quote became. */
  subscriptionId: string | null;
}

/** `quote.sent` when a quote is sent, `quote.accepted` when it became its subscription; one each per quote. */
export function quoteEvent(type: 'quote.sent' | 'quote.accepted', quote: QuotePayload, at: string): NewWebhookEvent {
  return { idempotencyKey: `${type}:${quote.id}`, type, subscriptionId: quote.subscriptionId, createdAt: at, data: { quote } };
}

/** The JSON body sent to endpoints: a stable envelope around the event's data. */
export function webhookBody(event: { id: string; type: string; createdAt: string; data: unknown }): string {
  return JSON.stringify({ id: event.id, type: event.type, createdAt: event.createdAt, data: event.data });
}

/**
 * Webhook deliveries run on a task queue of their own, polled by a worker of their own: endpoints
 * that time out can fill only that worker's activity slots, never those billing's activities need.
 */
export function webhookTaskQueue(taskQueue: string): string {
  return `${taskQueue}-webhooks`;
}

/** One delivery workflow per delivery row; a fixed id makes starting it idempotent. */
export function webhookDeliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery-${deliveryId}`;
}
