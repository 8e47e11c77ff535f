import { ADD_ON_CATALOGUE } from '../../domain/add-ons';
import { COUPON_CATALOGUE } from '../../domain/discounts';
import { CommandRefusedError, checkCommand, type Command } from '../../domain/commands';
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from '../../domain/status';
import { update, type SubscriptionState } from '../../domain/subscription';
import { active, opened, plan } from './fixtures';

/** Commands are checked at this instant, inside the open offer's validity (it expires Feb 15). */
const NOW = '2028-02-05T00:00:00.000Z';

/** The refusal message, or null when the command is allowed at `at`. */
function refusal(state: SubscriptionState, command: Command, at = NOW): string | null {
  try {
    checkCommand(state, command, at);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(CommandRefusedError);
    expect((error as Error).name).toBe('CommandRefusedError');
    return (error as Error).message;
  }
}

const OPEN_OFFER = {
  id: 'OFR-sub_1-0001',
  ruleId: 'seats-next-tier',
  fromPlan: 'basic-monthly',
  plan: plan('pro-monthly'),
  percentOff: 20,
  discountPeriods: 3,
  createdAt: '2028-02-01T00:00:00.000Z',
  expiresAt: '2028-02-15T00:00:00.000Z',
  cooldownDays: 30,
  mrrDeltaCents: 2000,
};

const base = active('basic-monthly'); // active, on basic-monthly (EUR), paid with pm_card_visa

/**
 * Each command with the state it needs to pass every check but the status one, so the only
 * reason to refuse is the status.
 */
const COMMANDS: Record<Command['name'], { command: Command; patch: Partial<SubscriptionState> }> = {
  changePlan: { command: { name: 'changePlan', input: { plan: plan('pro-monthly') } }, patch: {} },
  cancelScheduledPlanChange: {
    command: { name: 'cancelScheduledPlanChange' },
    patch: { scheduledChange: { plan: plan('pro-monthly'), requestedAt: '2028-02-01T00:00:00.000Z' } },
  },
  cancel: { command: { name: 'cancel', input: { when: 'now' } }, patch: {} },
  uncancel: { command: { name: 'uncancel' }, patch: { cancelAtPeriodEnd: true, canceledAt: '2028-02-01T00:00:00.000Z' } },
  pause: { command: { name: 'pause', input: { when: 'now' } }, patch: {} },
  resume: { command: { name: 'resume', input: {} }, patch: { pauseAtPeriodEnd: { periods: null } } },
  updatePaymentMethod: { command: { name: 'updatePaymentMethod', input: { paymentMethod: 'pm_card_mastercard' } }, patch: {} },
  setAddOn: { command: { name: 'setAddOn', input: { addOn: ADD_ON_CATALOGUE[0]!, quantity: 2 } }, patch: {} },
  addCustomLine: { command: { name: 'addCustomLine', input: { line: { description: 'Support', unitAmountCents: 1_000, quantity: 1 } } }, patch: {} },
  setCustomLine: {
    command: { name: 'setCustomLine', input: { code: 'custom-1', quantity: 2 } },
    patch: { addOns: [{ code: 'custom-1', name: 'Support', quantity: 1, unitAmountCents: 1_000, monthlyAmountCents: 1_000, metric: null, unitsPerQuantity: 0, custom: {} }] },
  },
  applyCoupon: { command: { name: 'applyCoupon', input: { coupon: COUPON_CATALOGUE[0]! } }, patch: {} },
  removeCoupon: {
    command: { name: 'removeCoupon' },
    patch: { discount: { source: 'coupon', code: 'WELCOME20', name: '20% off', percentOff: 20, amountOffCents: null, remainingPeriods: 3 } },
  },
  acceptOffer: { command: { name: 'acceptOffer', input: { offerId: 'OFR-sub_1-0001' } }, patch: { offer: OPEN_OFFER } },
  declineOffer: { command: { name: 'declineOffer', input: { offerId: 'OFR-sub_1-0001' } }, patch: { offer: OPEN_OFFER } },
};

/** Which statuses accept each command, written out independently of the code under test. */
const ALLOWED_IN: Record<Command['name'], SubscriptionStatus[]> = {
  changePlan: ['trialing', 'active'],
  cancelScheduledPlanChange: ['trialing', 'active', 'past_due', 'paused'],
  cancel: ['incomplete', 'trialing', 'active', 'past_due', 'paused', 'unpaid'],
  uncancel: ['trialing', 'active', 'past_due'],
  pause: ['active'],
  resume: ['paused', 'active'],
  updatePaymentMethod: ['incomplete', 'trialing', 'active', 'past_due', 'paused', 'unpaid'],
  setAddOn: ['trialing', 'active'],
  addCustomLine: ['trialing', 'active'],
  setCustomLine: ['trialing', 'active'],
  applyCoupon: ['trialing', 'active', 'past_due', 'paused'],
  removeCoupon: ['trialing', 'active', 'past_due', 'paused'],
  acceptOffer: ['active'],
  declineOffer: ['trialing', 'active', 'past_due', 'paused', 'unpaid'],
};

const VERBS: Record<Command['name'], string> = {
  changePlan: 'change plan',
  cancelScheduledPlanChange: 'drop a scheduled plan change',
  cancel: 'be canceled',
  uncancel: 'be uncanceled',
  pause: 'be paused',
  resume: 'be resumed',
  updatePaymentMethod: 'take a new payment method',
  setAddOn: 'change add-ons',
  addCustomLine: 'take a custom line',
  setCustomLine: 'change custom lines',
  applyCoupon: 'take a coupon',
  removeCoupon: 'drop its coupon',
  acceptOffer: 'accept an offer',
  declineOffer: 'decline an offer',
};

describe('checkCommand: allowed statuses', () => {
  const cases = (Object.keys(COMMANDS) as Array<Command['name']>).flatMap((name) =>
    SUBSCRIPTION_STATUSES.map((status) => [name, status, ALLOWED_IN[name].includes(status)] as const),
  );

  test.each(cases)('%s in a %s subscription: allowed = %s', (name, status, allowed) => {
    const { command, patch } = COMMANDS[name];
    const state = update(base, { ...patch, status });
    const label = status.replace('_', ' ');
    expect(refusal(state, command)).toBe(allowed ? null : `a subscription that is ${label} cannot ${VERBS[name]}`);
  });
});

describe('checkCommand: changePlan', () => {
  test('refuses the plan the subscription is already on', () => {
    expect(refusal(base, { name: 'changePlan', input: { plan: plan('basic-monthly') } })).toBe('the subscription is already on basic-monthly');
  });

  test('refuses a plan billed in another currency', () => {
    expect(refusal(base, { name: 'changePlan', input: { plan: plan('pro-monthly-nok') } })).toBe(
      'pro-monthly-nok is billed in NOK; this subscription is billed in EUR',
    );
  });

  test('refuses while the subscription cancels at period end', () => {
    const canceling = update(base, { cancelAtPeriodEnd: true });
    expect(refusal(canceling, { name: 'changePlan', input: { plan: plan('pro-monthly') } })).toBe(
      'the subscription cancels at period end; uncancel it first',
    );
  });

  test('allows upgrades, downgrades and interval changes in the same currency, now or at period end', () => {
    const onPro = active('pro-monthly');
    expect(refusal(onPro, { name: 'changePlan', input: { plan: plan('business-monthly') } })).toBeNull();
    expect(refusal(onPro, { name: 'changePlan', input: { plan: plan('basic-monthly'), when: 'now' } })).toBeNull();
    expect(refusal(onPro, { name: 'changePlan', input: { plan: plan('pro-yearly'), when: 'period_end' } })).toBeNull();
  });

  test('allows a change during a trial', () => {
    const trialing = opened('business-monthly');
    expect(trialing.status).toBe('trialing');
    expect(refusal(trialing, { name: 'changePlan', input: { plan: plan('pro-monthly') } })).toBeNull();
  });

  test('a NOK subscription may change to another NOK plan but not to a EUR one', () => {
    const nok = active('basic-monthly-nok');
    expect(refusal(nok, { name: 'changePlan', input: { plan: plan('pro-monthly-nok') } })).toBeNull();
    expect(refusal(nok, { name: 'changePlan', input: { plan: plan('pro-monthly') } })).toBe(
      'pro-monthly is billed in EUR; this subscription is billed in NOK',
    );
  });
});

describe('checkCommand: cancelScheduledPlanChange', () => {
  test('refuses when no plan change is scheduled', () => {
    expect(refusal(base, { name: 'cancelScheduledPlanChange' })).toBe('no plan change is scheduled');
  });
});

describe('checkCommand: cancel', () => {
  test.each(['past_due', 'paused', 'unpaid', 'incomplete'] as SubscriptionStatus[])(
    'a %s subscription can only be canceled now',
    (status) => {
      const state = update(base, { status });
      expect(refusal(state, { name: 'cancel', input: { when: 'period_end' } })).toBe(
        `a subscription that is ${status.replace('_', ' ')} can only be canceled now`,
      );
      expect(refusal(state, { name: 'cancel', input: { when: 'now' } })).toBeNull();
    },
  );

  test('active and trialing subscriptions can cancel at period end', () => {
    expect(refusal(base, { name: 'cancel', input: { when: 'period_end' } })).toBeNull();
    expect(refusal(opened('business-monthly'), { name: 'cancel', input: { when: 'period_end' } })).toBeNull();
  });

  test('refuses a second cancel at period end', () => {
    const canceling = update(base, { cancelAtPeriodEnd: true });
    expect(refusal(canceling, { name: 'cancel', input: { when: 'period_end' } })).toBe('the subscription already cancels at period end');
  });

  test('canceling now is still allowed after a cancel at period end', () => {
    const canceling = update(base, { cancelAtPeriodEnd: true });
    expect(refusal(canceling, { name: 'cancel', input: { when: 'now', refund: 'prorated' } })).toBeNull();
  });

  test('a prorated refund is refused at period end and allowed now', () => {
    expect(refusal(base, { name: 'cancel', input: { when: 'period_end', refund: 'prorated' } })).toBe('a refund only applies to canceling now');
    expect(refusal(base, { name: 'cancel', input: { when: 'period_end', refund: 'none' } })).toBeNull();
    expect(refusal(base, { name: 'cancel', input: { when: 'now', refund: 'prorated' } })).toBeNull();
  });
});

describe('checkCommand: uncancel', () => {
  test('refuses when the subscription is not scheduled to cancel', () => {
    expect(refusal(base, { name: 'uncancel' })).toBe('the subscription is not scheduled to cancel');
  });

  test('allows taking back a cancel at period end', () => {
    expect(refusal(update(base, { cancelAtPeriodEnd: true }), { name: 'uncancel' })).toBeNull();
  });
});

describe('checkCommand: pause', () => {
  test('allows pausing an active subscription now or at period end', () => {
    expect(refusal(base, { name: 'pause', input: { when: 'now' } })).toBeNull();
    expect(refusal(base, { name: 'pause', input: { when: 'period_end', periods: 2 } })).toBeNull();
  });

  test('refuses while the subscription cancels at period end', () => {
    expect(refusal(update(base, { cancelAtPeriodEnd: true }), { name: 'pause', input: { when: 'now' } })).toBe(
      'the subscription cancels at period end; uncancel it first',
    );
  });

  test('refuses when a pause is already scheduled for the end of the period', () => {
    const scheduled = update(base, { pauseAtPeriodEnd: { periods: 1 } });
    expect(refusal(scheduled, { name: 'pause', input: { when: 'now' } })).toBe('a pause is already scheduled for the end of the period');
    expect(refusal(scheduled, { name: 'pause', input: { when: 'period_end' } })).toBe('a pause is already scheduled for the end of the period');
  });
});

describe('checkCommand: resume', () => {
  test('refuses an active subscription with no pause scheduled', () => {
    expect(refusal(base, { name: 'resume', input: {} })).toBe('the subscription is not paused');
  });

  test('allows resuming an active subscription whose pause is scheduled (drops the pause)', () => {
    expect(refusal(update(base, { pauseAtPeriodEnd: { periods: null } }), { name: 'resume', input: {} })).toBeNull();
  });

  test('allows resuming a paused subscription with either billing anchor', () => {
    const paused = update(base, { status: 'paused', pause: { startedAt: '2028-02-10T10:00:00.000Z', resumesAt: null } });
    expect(refusal(paused, { name: 'resume', input: { billingAnchor: 'now' } })).toBeNull();
    expect(refusal(paused, { name: 'resume', input: { billingAnchor: 'keep' } })).toBeNull();
  });
});

describe('checkCommand: updatePaymentMethod', () => {
  test('refuses the payment method already in use on a subscription in good standing', () => {
    const same = { name: 'updatePaymentMethod', input: { paymentMethod: 'pm_card_visa' } } as const;
    expect(refusal(base, same)).toBe('that payment method is already in use');
    expect(refusal(update(base, { status: 'trialing' }), same)).toBe('that payment method is already in use');
    expect(refusal(update(base, { status: 'paused' }), same)).toBe('that payment method is already in use');
  });

  test.each(['past_due', 'incomplete', 'unpaid'] as SubscriptionStatus[])(
    'a %s subscription may resubmit the same payment method (it retries the charge)',
    (status) => {
      expect(refusal(update(base, { status }), { name: 'updatePaymentMethod', input: { paymentMethod: 'pm_card_visa' } })).toBeNull();
    },
  );

  test('allows a different payment method', () => {
    expect(refusal(base, { name: 'updatePaymentMethod', input: { paymentMethod: 'pm_card_mastercard' } })).toBeNull();
  });
});

describe('checkCommand: setAddOn', () => {
  const seat = ADD_ON_CATALOGUE.find((a) => a.code === 'extra-seat')!;
  const kit = ADD_ON_CATALOGUE.find((a) => a.code === 'welcome-kit')!;
  const setAddOn = (addOn: typeof seat, quantity: number): Command => ({ name: 'setAddOn', input: { addOn, quantity } });
  const withSeats = update(base, { addOns: [{ code: 'extra-seat', name: 'Extra seat', quantity: 2, unitAmountCents: 500, monthlyAmountCents: 500, metric: 'seats', unitsPerQuantity: 1 }] });

  test.each([-1, 1.5, 1001, Number.NaN])('refuses quantity %s', (quantity) => {
    expect(refusal(base, setAddOn(seat, quantity))).toBe('quantity must be a whole number from 0 to 1000');
  });

  test('allows quantities from 1 to 1000', () => {
    expect(refusal(base, setAddOn(seat, 1))).toBeNull();
    expect(refusal(base, setAddOn(seat, 1000))).toBeNull();
  });

  test('quantity 0 removes an add-on the subscription has, and is refused for one it does not have', () => {
    expect(refusal(withSeats, setAddOn(seat, 0))).toBeNull();
    expect(refusal(base, setAddOn(seat, 0))).toBe('the subscription has no extra-seat');
  });

  test('a one-time product needs at least one', () => {
    expect(refusal(base, setAddOn(kit, 0))).toBe('buy at least one');
    expect(refusal(base, setAddOn(kit, 3))).toBeNull();
  });

  test('refuses an add-on not sold in the subscription currency', () => {
    const usd = update(base, { plan: { ...plan('basic-monthly'), code: 'basic-monthly-usd', currency: 'USD' } });
    expect(refusal(usd, setAddOn(seat, 1))).toBe('extra-seat is not sold in USD');
    expect(refusal(usd, setAddOn(kit, 1))).toBe('welcome-kit is not sold in USD');
  });

  test('refuses a recurring add-on on a weekly plan, but sells it a one-time product', () => {
    const weekly = update(base, { plan: { ...plan('basic-monthly'), interval: { unit: 'week', count: 1 } } });
    expect(refusal(weekly, setAddOn(seat, 1))).toBe('extra-seat needs a monthly or yearly plan');
    expect(refusal(weekly, setAddOn(kit, 1))).toBeNull();
  });

  test('allows add-ons on NOK and yearly subscriptions, and during a trial', () => {
    expect(refusal(active('basic-monthly-nok'), setAddOn(seat, 2))).toBeNull();
    expect(refusal(active('pro-yearly'), setAddOn(seat, 2))).toBeNull();
    expect(refusal(opened('business-monthly'), setAddOn(seat, 2))).toBeNull();
  });
});

describe('checkCommand: applyCoupon and removeCoupon', () => {
  const coupon = (code: string) => COUPON_CATALOGUE.find((c) => c.code === code)!;
  const offerDiscount = { source: 'offer' as const, code: 'OFR-sub_1-0001', name: '20% off Pro monthly for 3 periods', percentOff: 20, amountOffCents: null, remainingPeriods: 3 };
  const couponDiscount = { source: 'coupon' as const, code: 'WELCOME20', name: '20% off for 3 months', percentOff: 20, amountOffCents: null, remainingPeriods: 3 };

  test('refuses a fixed-amount coupon in another currency', () => {
    expect(refusal(active('basic-monthly-nok'), { name: 'applyCoupon', input: { coupon: coupon('LOYAL5') } })).toBe('coupon LOYAL5 is for EUR subscriptions');
    expect(refusal(base, { name: 'applyCoupon', input: { coupon: coupon('LOYAL5') } })).toBeNull();
  });

  test('a percentage coupon is accepted in any currency', () => {
    expect(refusal(active('basic-monthly-nok'), { name: 'applyCoupon', input: { coupon: coupon('WELCOME20') } })).toBeNull();
    expect(refusal(active('basic-monthly-nok'), { name: 'applyCoupon', input: { coupon: coupon('FIRSTFREE') } })).toBeNull();
  });

  test('a coupon may replace another coupon', () => {
    expect(refusal(update(base, { discount: couponDiscount }), { name: 'applyCoupon', input: { coupon: coupon('LOYAL5') } })).toBeNull();
  });

  test('a coupon cannot replace an accepted offer’s discount', () => {
    expect(refusal(update(base, { discount: offerDiscount }), { name: 'applyCoupon', input: { coupon: coupon('WELCOME20') } })).toBe(
      "an accepted offer's discount is running; a coupon cannot replace it",
    );
  });

  test('removeCoupon needs a coupon: refused with none and with an offer’s discount', () => {
    expect(refusal(base, { name: 'removeCoupon' })).toBe('the subscription has no coupon');
    expect(refusal(update(base, { discount: offerDiscount }), { name: 'removeCoupon' })).toBe('the subscription has no coupon');
    expect(refusal(update(base, { discount: couponDiscount }), { name: 'removeCoupon' })).toBeNull();
  });
});

describe('checkCommand: acceptOffer and declineOffer', () => {
  const withOffer = update(base, { offer: OPEN_OFFER });

  test.each(['acceptOffer', 'declineOffer'] as const)('%s refuses when no offer is open', (name) => {
    expect(refusal(base, { name, input: { offerId: 'OFR-sub_1-0001' } })).toBe('offer OFR-sub_1-0001 is not open');
  });

  test.each(['acceptOffer', 'declineOffer'] as const)('%s refuses an offer id other than the open one', (name) => {
    expect(refusal(withOffer, { name, input: { offerId: 'OFR-sub_1-0002' } })).toBe('offer OFR-sub_1-0002 is not open');
  });

  test.each(['acceptOffer', 'declineOffer'] as const)('%s allows the open offer', (name) => {
    expect(refusal(withOffer, { name, input: { offerId: 'OFR-sub_1-0001' } })).toBeNull();
  });

  test('an offer still open when a payment fails can be declined but not accepted', () => {
    const pastDue = update(withOffer, { status: 'past_due' });
    expect(refusal(pastDue, { name: 'declineOffer', input: { offerId: 'OFR-sub_1-0001' } })).toBeNull();
    expect(refusal(pastDue, { name: 'acceptOffer', input: { offerId: 'OFR-sub_1-0001' } })).toBe('a subscription that is past due cannot accept an offer');
  });

  test('accepting an offer is a plan change: refused while the subscription cancels at period end', () => {
    const canceling = update(withOffer, { cancelAtPeriodEnd: true, canceledAt: '2028-02-05T00:00:00.000Z' });
    expect(refusal(canceling, { name: 'changePlan', input: { plan: plan('pro-monthly') } })).toBe('the subscription cancels at period end; uncancel it first');
    expect(refusal(canceling, { name: 'acceptOffer', input: { offerId: 'OFR-sub_1-0001' } })).not.toBeNull();
    expect(refusal(canceling, { name: 'declineOffer', input: { offerId: 'OFR-sub_1-0001' } })).toBeNull();
  });

  test('an expired offer can no longer be accepted, though it is still the open one until its expiry step runs', () => {
    expect(refusal(withOffer, { name: 'acceptOffer', input: { offerId: 'OFR-sub_1-0001' } }, '2028-02-15T00:00:00.000Z')).toBe('offer OFR-sub_1-0001 has expired');
    expect(refusal(withOffer, { name: 'declineOffer', input: { offerId: 'OFR-sub_1-0001' } }, '2028-02-15T00:00:00.000Z')).toBeNull();
  });

  test('accepting an offer is refused once the subscription is already on the offered plan', () => {
    // The customer upgraded to Pro on their own after the Basic → Pro offer was made.
    const upgraded = update(withOffer, { plan: plan('pro-monthly') });
    expect(refusal(upgraded, { name: 'changePlan', input: { plan: plan('pro-monthly') } })).toBe('the subscription is already on pro-monthly');
    expect(refusal(upgraded, { name: 'acceptOffer', input: { offerId: 'OFR-sub_1-0001' } })).not.toBeNull();
  });
});
