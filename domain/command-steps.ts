// What each command does, once `checkCommand` has let it through: a pure step from the state it
// meets to the new state and its effects. The workflow runs it under its lock and carries out the
// effects; nothing here can fail a workflow.
import { setAddOnQuantity } from './add-on-changes';
import { cancelAtPeriodEnd, cancelNow, uncancel } from './cancellation';
import { quoteCustomLineAddition, quoteCustomLineQuantity } from './custom-lines';
import { billPeriod, collectAgain } from './collection';
import type { Command } from './commands';
import { discountFromCoupon } from './discounts';
import type { Transition } from './effects';
import { unchanged } from './effects';
import { closeOffer } from './offers';
import { pauseNow, resume, schedulePause } from './pause';
import { acceptOffer, changePlan } from './plan-change';
import type { SubscriptionState } from './subscription';
import { reanchor, update } from './subscription';

/**
 * A new payment method. An invoice under collection (past due, or an incomplete first payment)
 * is charged on it at once; an unpaid (suspended) subscription is reactivated with a fresh period
 * from now, billed to it.
 */
export function paymentMethodUpdated(state: SubscriptionState, paymentMethod: string, at: string): Transition {
  const next = update(state, { paymentMethod });
  if (next.dunning) return collectAgain(next, at);
  if (next.status === 'unpaid') return billPeriod(reanchor(next, at), at);
  return unchanged(next);
}

export function runCommand(state: SubscriptionState, command: Command, at: string): Transition {
  switch (command.name) {
    case 'changePlan':
      return changePlan(state, command.input, at);
    case 'cancelScheduledPlanChange':
      return unchanged(update(state, { scheduledChange: null }));
    case 'cancel':
      return command.input.when === 'now' ? cancelNow(state, command.input, at) : unchanged(cancelAtPeriodEnd(state, at));
    case 'uncancel':
      return unchanged(uncancel(state));
    case 'pause':
      return command.input.when === 'now' ? pauseNow(state, command.input.periods ?? null, at) : unchanged(schedulePause(state, command.input.periods ?? null));
    case 'resume':
      return resume(state, command.input.billingAnchor ?? 'now', at);
    case 'updatePaymentMethod':
      return paymentMethodUpdated(state, command.input.paymentMethod, at);
    case 'setAddOn':
      return unchanged(setAddOnQuantity(state, command.input, at));
    case 'addCustomLine':
      return unchanged(quoteCustomLineAddition(state, command.input.line, at).state);
    case 'setCustomLine':
      return unchanged(quoteCustomLineQuantity(state, command.input.code, command.input.quantity, at).state);
    case 'applyCoupon':
      return unchanged(update(state, { discount: discountFromCoupon(command.input.coupon) }));
    case 'removeCoupon':
      return unchanged(update(state, { discount: null }));
    case 'acceptOffer':
      return acceptOffer(state, at);
    case 'declineOffer':
      return closeOffer(state, 'declined', at);
  }
}
