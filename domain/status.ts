// Subscription statuses (Stripe's vocabulary) and the one table of legal transitions.

export const SUBSCRIPTION_STATUSES = [
  'incomplete',
  'incomplete_expired',
  'trialing',
  'active',
  'past_due',
  'paused',
  'canceled',
  'unpaid',
] as const;

export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export type LifecycleEvent =
  | 'trial_started'
  | 'awaiting_first_payment'
  | 'payment_succeeded'
  | 'payment_failed'
  /** A charge waits for the customer to authenticate it (SCA). */
  | 'payment_action_required'
  /** A charge was accepted and settles later (a wallet agreement, a bank debit). */
  | 'payment_processing'
  | 'retries_exhausted_cancel'
  | 'retries_exhausted_unpaid'
  | 'first_payment_expired'
  | 'paused'
  | 'resumed'
  | 'canceled';

/** status → event → next status. Anything missing is illegal. */
export const TRANSITIONS: Readonly<Record<SubscriptionStatus, Partial<Record<LifecycleEvent, SubscriptionStatus>>>> = {
  incomplete: {
    payment_succeeded: 'active',
    payment_failed: 'incomplete',
    payment_action_required: 'incomplete',
    payment_processing: 'incomplete',
    first_payment_expired: 'incomplete_expired',
    canceled: 'canceled',
  },
  incomplete_expired: {},
  trialing: {
    payment_succeeded: 'active',
    payment_failed: 'past_due',
    payment_action_required: 'past_due',
    // The trial is over and its first charge accepted: the subscription runs while it settles.
    payment_processing: 'active',
    canceled: 'canceled',
  },
  active: {
    payment_succeeded: 'active',
    payment_failed: 'past_due',
    payment_action_required: 'past_due',
    payment_processing: 'active',
    paused: 'paused',
    canceled: 'canceled',
  },
  past_due: {
    payment_succeeded: 'active',
    payment_failed: 'past_due',
    payment_action_required: 'past_due',
    payment_processing: 'past_due',
    retries_exhausted_cancel: 'canceled',
    retries_exhausted_unpaid: 'unpaid',
    canceled: 'canceled',
  },
  paused: {
    resumed: 'active',
    canceled: 'canceled',
  },
  canceled: {},
  unpaid: {
    payment_succeeded: 'active',
    payment_failed: 'unpaid',
    payment_action_required: 'unpaid',
    payment_processing: 'unpaid',
    canceled: 'canceled',
  },
};

/** How a subscription opens: new (first charge due), on a trial, or imported already paid for. */
export type Opening = 'new' | 'trial' | 'imported';

/** Where a subscription begins, before any event. */
export function initialStatus(opening: Opening): SubscriptionStatus {
  switch (opening) {
    case 'new':
      return 'incomplete';
    case 'trial':
      return 'trialing';
    case 'imported':
      return 'active';
  }
}

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly from: SubscriptionStatus,
    readonly event: LifecycleEvent | string,
    detail?: string,
  ) {
    super(detail ?? `${/^[aeiou]/.test(from) ? 'an' : 'a'} ${from.replace(/_/g, ' ')} subscription cannot be ${event.replace(/_/g, ' ')}`);
  }
}

export function canTransition(from: SubscriptionStatus, event: LifecycleEvent): boolean {
  return TRANSITIONS[from][event] !== undefined;
}

export function nextStatus(from: SubscriptionStatus, event: LifecycleEvent): SubscriptionStatus {
  const to = TRANSITIONS[from][event];
  if (!to) throw new IllegalTransitionError(from, event);
  return to;
}

export function isTerminal(status: SubscriptionStatus): boolean {
  return Object.keys(TRANSITIONS[status]).length === 0;
}
