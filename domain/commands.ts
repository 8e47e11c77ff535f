// Commands a subscription accepts, and the rules that refuse them. The workflow runs these
// checks in its update validators (a refused command leaves no trace in history) and again when
// it executes the command, since the state may have moved on in between.
import type { AddOnDefinition } from './add-ons';
import { oneTimeLine, periodCostRefusal, repriceFor, unitPriceFor } from './add-ons';
import { addsPendingLine, MAX_PENDING_ITEMS, priceAddOn, prorates } from './add-on-changes';
import type { CustomLineInput } from './custom-lines';
import { customLineRefusal, customLinesOf, MAX_CUSTOM_LINE_QUANTITY } from './custom-lines';
import { CommandRefusedError } from './errors';
import type { CouponDefinition } from './discounts';
import { couponRefusal } from './discounts';
import type { PlanSnapshot } from './plans';
import { addOnsRefusal } from './plan-change';
import type { SubscriptionStatus } from './status';
import type { SubscriptionState } from './subscription';

export type Timing = 'now' | 'period_end';

export interface ChangePlanCommand {
  plan: PlanSnapshot;
  /** Default: upgrades now, downgrades at period end. */
  when?: Timing;
}

export interface CancelCommand {
  when: Timing;
  /** Refund the unused part of the current period (only with `when: 'now'`). */
  refund?: 'none' | 'prorated';
}

export interface PauseCommand {
  when: Timing;
  /** Resume on its own after this many billing periods; null pauses until resumed. */
  periods?: number | null;
}

export interface ResumeCommand {
  /** 'now' starts a new billing period at resume (default); 'keep' bills the rest of the old calendar period. */
  billingAnchor?: 'now' | 'keep';
}

export interface UpdatePaymentMethodCommand {
  paymentMethod: string;
}

export interface SetAddOnCommand {
  addOn: AddOnDefinition;
  /** The new quantity of a recurring add-on (0 removes it), or how many of a one-time product. */
  quantity: number;
}

export interface AddCustomLineCommand {
  line: CustomLineInput;
}

/** A custom line's new quantity (0 removes it); its price stays the one agreed. */
export interface SetCustomLineCommand {
  code: string;
  quantity: number;
}

export interface ApplyCouponCommand {
  coupon: CouponDefinition;
}

export interface OfferCommand {
  offerId: string;
}

export type Command =
  | { name: 'changePlan'; input: ChangePlanCommand }
  | { name: 'cancelScheduledPlanChange' }
  | { name: 'cancel'; input: CancelCommand }
  | { name: 'uncancel' }
  | { name: 'pause'; input: PauseCommand }
  | { name: 'resume'; input: ResumeCommand }
  | { name: 'updatePaymentMethod'; input: UpdatePaymentMethodCommand }
  | { name: 'setAddOn'; input: SetAddOnCommand }
  | { name: 'addCustomLine'; input: AddCustomLineCommand }
  | { name: 'setCustomLine'; input: SetCustomLineCommand }
  | { name: 'applyCoupon'; input: ApplyCouponCommand }
  | { name: 'removeCoupon' }
  | { name: 'acceptOffer'; input: OfferCommand }
  | { name: 'declineOffer'; input: OfferCommand };

export { CommandRefusedError };

export type CommandName = Command['name'];

/** Every command, by name: each is one workflow update (workflows/contract.ts). */
export const COMMAND_NAMES = [
  'changePlan',
  'cancelScheduledPlanChange',
  'cancel',
  'uncancel',
  'pause',
  'resume',
  'updatePaymentMethod',
  'setAddOn',
  'addCustomLine',
  'setCustomLine',
  'applyCoupon',
  'removeCoupon',
  'acceptOffer',
  'declineOffer',
] as const satisfies ReadonlyArray<Command['name']>;

const ALLOWED: Record<Command['name'], readonly SubscriptionStatus[]> = {
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

function refuse(message: string): never {
  throw new CommandRefusedError(message);
}

function checkPlanChange(state: SubscriptionState, plan: PlanSnapshot): void {
  if (plan.code === state.plan.code) refuse(`the subscription is already on ${plan.code}`);
  if (plan.currency !== state.plan.currency) {
    refuse(`${plan.code} is billed in ${plan.currency}; this subscription is billed in ${state.plan.currency}`);
  }
  if (state.cancelAtPeriodEnd) refuse('the subscription cancels at period end; uncancel it first');
  const addOns = addOnsRefusal(state, plan);
  if (addOns) refuse(addOns);
  // Add-ons keep their monthly price: a longer interval bills more of it each period.
  const repriced = state.addOns.map((addOn) => repriceFor(addOn, plan)).filter((addOn) => typeof addOn !== 'string');
  const tooDear = periodCostRefusal(plan, repriced, state.pendingItems);
  if (tooDear) refuse(tooDear);
}

function checkPendingRoom(state: SubscriptionState, addsLine: boolean): void {
  if (state.pendingItems.length >= MAX_PENDING_ITEMS && addsLine) {
    refuse(`${MAX_PENDING_ITEMS} changes are already waiting for the next invoice; this one can be made after it`);
  }
}

function checkStatus(state: SubscriptionState, name: Command['name']): void {
  if (!ALLOWED[name].includes(state.status)) {
    refuse(`a subscription that is ${state.status.replace(/_/g, ' ')} cannot ${VERBS[name]}`);
  }
}

/**
 * Throws CommandRefusedError when the subscription cannot move to another price version of the
 * plan it is on (only a bulk migration asks that): a plan change in all but the plan, so the same
 * rules hold; the currency and the interval, hence the add-ons, stay.
 */
export function checkPriceVersionChange(state: SubscriptionState): void {
  checkStatus(state, 'changePlan');
  if (state.cancelAtPeriodEnd) refuse('the subscription cancels at period end; uncancel it first');
}

/** Throws CommandRefusedError when `command` is not allowed at `at` (workflow time). */
export function checkCommand(state: SubscriptionState, command: Command, at: string): void {
  checkStatus(state, command.name);
  switch (command.name) {
    case 'changePlan':
      checkPlanChange(state, command.input.plan);
      return;
    case 'cancelScheduledPlanChange':
      if (!state.scheduledChange) refuse('no plan change is scheduled');
      return;
    case 'cancel':
      if (command.input.when === 'period_end') {
        if (state.status !== 'active' && state.status !== 'trialing') {
          refuse(`a subscription that is ${state.status.replace(/_/g, ' ')} can only be canceled now`);
        }
        if (state.cancelAtPeriodEnd) refuse('the subscription already cancels at period end');
        if (command.input.refund === 'prorated') refuse('a refund only applies to canceling now');
      }
      return;
    case 'uncancel':
      if (!state.cancelAtPeriodEnd) refuse('the subscription is not scheduled to cancel');
      return;
    case 'pause':
      if (state.cancelAtPeriodEnd) refuse('the subscription cancels at period end; uncancel it first');
      if (state.pauseAtPeriodEnd) refuse('a pause is already scheduled for the end of the period');
      return;
    case 'resume':
      if (state.status === 'active' && !state.pauseAtPeriodEnd) refuse('the subscription is not paused');
      return;
    case 'setAddOn': {
      const { addOn, quantity } = command.input;
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > 1000) refuse('quantity must be a whole number from 0 to 1000');
      const price = unitPriceFor(addOn, state.plan);
      if (typeof price === 'string') refuse(price);
      if (addOn.kind === 'one_time' && quantity === 0) refuse('buy at least one');
      if (addOn.kind === 'metered' && quantity > 1) refuse('a metered add-on is held (quantity 1) or not (0): its usage decides what it costs');
      if (addOn.kind !== 'one_time' && quantity === 0 && !state.addOns.some((a) => a.code === addOn.code)) {
        refuse(`the subscription has no ${addOn.code}`);
      }
      checkPendingRoom(state, addsPendingLine(state, command.input));
      const bought = { ...priceAddOn(state, addOn), quantity };
      const tooDear =
        addOn.kind === 'one_time'
          ? periodCostRefusal(state.plan, state.addOns, [...state.pendingItems, oneTimeLine(bought, quantity)])
          : periodCostRefusal(state.plan, [...state.addOns.filter((held) => held.code !== addOn.code), bought], state.pendingItems);
      if (tooDear) refuse(tooDear);
      return;
    }
    case 'addCustomLine': {
      const refusal = customLineRefusal(state, command.input.line);
      if (refusal) refuse(refusal);
      checkPendingRoom(state, prorates(state));
      return;
    }
    case 'setCustomLine': {
      const { code, quantity } = command.input;
      if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_CUSTOM_LINE_QUANTITY) refuse(`quantity must be a whole number from 0 to ${MAX_CUSTOM_LINE_QUANTITY}`);
      const held = customLinesOf(state.addOns).find((line) => line.code === code);
      if (!held) refuse(`the subscription has no custom line ${code}`);
      checkPendingRoom(state, quantity !== held.quantity && prorates(state));
      const tooDear = periodCostRefusal(state.plan, [...state.addOns.filter((line) => line.code !== code), { ...held, quantity }], state.pendingItems);
      if (tooDear) refuse(tooDear);
      return;
    }
    case 'applyCoupon': {
      const refusal = couponRefusal(command.input.coupon, state.plan.currency);
      if (refusal) refuse(refusal);
      if (state.discount?.source === 'offer') refuse('an accepted offer\'s discount is running; a coupon cannot replace it');
      return;
    }
    case 'removeCoupon':
      if (state.discount?.source !== 'coupon') refuse('the subscription has no coupon');
      return;
    case 'acceptOffer':
      if (state.offer?.id !== command.input.offerId) refuse(`offer ${command.input.offerId} is not open`);
      if (state.offer.expiresAt <= at) refuse(`offer ${state.offer.id} has expired`);
      checkPlanChange(state, state.offer.plan);
      return;
    case 'declineOffer':
      if (state.offer?.id !== command.input.offerId) refuse(`offer ${command.input.offerId} is not open`);
      return;
    case 'updatePaymentMethod':
      if (command.input.paymentMethod === state.paymentMethod && state.status !== 'past_due' && state.status !== 'incomplete' && state.status !== 'unpaid') {
        refuse('that payment method is already in use');
      }
      return;
  }
}
