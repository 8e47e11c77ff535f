// The subscription workflow's message handlers: reads (queries) and commands (updates with
// validators). Validators refuse a command before it enters history; the command itself runs under
// the workflow's lock and re-checks the rules against the state it meets.
import * as wf from '@temporalio/workflow';
import { cancelAtPeriodEnd, cancelNow, uncancel } from '../domain/cancellation';
import type { Command } from '../domain/commands';
import { checkCommand } from '../domain/commands';
import type { Transition } from '../domain/effects';
import { pauseNow, resume, schedulePause } from '../domain/pause';
import { quotePlanChange, schedulePlanChange } from '../domain/plan-change';
import { decideMigration, refusedMigration } from '../domain/plan-migration';
import { setAddOnQuantity } from '../domain/add-on-changes';
import { discountFromCoupon } from '../domain/discounts';
import { canReceiveOffer, closeOffer, offerDiscount } from '../domain/offers';
import { hasOpened, reanchor, update } from '../domain/subscription';
import { recordUsage } from '../domain/usage';
import type { Subscription } from './billing';
import type { Lock } from './lock';
import { local } from './activities';
import { billCurrentPeriod, changePlanNow, collect, invoiceInDunning } from './billing';
import * as messages from './messages';
import { considerOffer } from './offers';
import type { SubscriptionView } from './messages';

export interface HandlerContext {
  sub: Subscription;
  lock: Lock;
  view(): SubscriptionView;
  /** Runs a command under the lock after re-checking it; publishes the new state. */
  command<T>(cmd: Command, run: () => Promise<T>): Promise<T>;
  apply(step: Transition): Promise<void>;
}

const nowIso = () => new Date().toISOString();

const validate = (sub: Subscription) => (cmd: Command) => {
  checkCommand(sub.state, cmd);
};

const DAY_MS = 86_400_000;

/** A command the lifecycle rules refused (see `refusal` in subscription.ts). */
const isRefusal = (error: unknown): error is wf.ApplicationFailure =>
  error instanceof wf.ApplicationFailure && (error.type === 'CommandRefusedError' || error.type === 'IllegalTransitionError');

export function registerHandlers({ sub, lock, view, command, apply }: HandlerContext): void {
  const validator = validate(sub);
  wf.setHandler(messages.getSubscription, view);
  wf.setHandler(messages.previewPlanChange, ({ at, ...input }) => {
    try {
      checkCommand(sub.state, { name: 'changePlan', input });
    } catch (error) {
      return { allowed: false, reason: (error as Error).message };
    }
    const quote = quotePlanChange(sub.state, input, at);
    return {
      allowed: true,
      timing: quote.timing,
      effectiveAt: quote.effectiveAt,
      invoice: quote.invoice?.draft ?? null,
      creditBalanceCentsAfter: quote.invoice?.creditBalanceCents ?? sub.state.creditBalanceCents,
    };
  });
  wf.setHandler(messages.awaitOpening, async () => {
    await wf.condition(() => hasOpened(sub.state));
    return view();
  });

  wf.setHandler(
    messages.changePlan,
    (input) =>
      command({ name: 'changePlan', input }, async () => {
        const quote = quotePlanChange(sub.state, input, nowIso());
        let invoice = null;
        if (quote.timing === 'period_end') sub.state = schedulePlanChange(sub.state, input.plan, nowIso());
        else invoice = await changePlanNow(sub, quote);
        // An open offer was for the plan the customer had; it no longer stands.
        if (sub.state.offer) await apply(closeOffer(sub.state, 'expired', nowIso()));
        return { timing: quote.timing, effectiveAt: quote.effectiveAt, invoice, subscription: view() };
      }),
    { validator: (input) => validator({ name: 'changePlan', input }) },
  );
  wf.setHandler(
    messages.cancelScheduledPlanChange,
    () =>
      command({ name: 'cancelScheduledPlanChange' }, async () => {
        sub.state = update(sub.state, { scheduledChange: null });
        return view();
      }),
    { validator: () => validator({ name: 'cancelScheduledPlanChange' }) },
  );
  wf.setHandler(
    messages.cancel,
    (input) =>
      command({ name: 'cancel', input }, async () => {
        if (input.when === 'now') await apply(cancelNow(sub.state, input, nowIso()));
        else sub.state = cancelAtPeriodEnd(sub.state, nowIso());
        return view();
      }),
    { validator: (input) => validator({ name: 'cancel', input }) },
  );
  wf.setHandler(
    messages.uncancel,
    () =>
      command({ name: 'uncancel' }, async () => {
        sub.state = uncancel(sub.state);
        return view();
      }),
    { validator: () => validator({ name: 'uncancel' }) },
  );
  wf.setHandler(
    messages.pause,
    (input) =>
      command({ name: 'pause', input }, async () => {
        if (input.when === 'now') await apply(pauseNow(sub.state, input.periods ?? null, nowIso()));
        else sub.state = schedulePause(sub.state, input.periods ?? null);
        return view();
      }),
    { validator: (input) => validator({ name: 'pause', input }) },
  );
  wf.setHandler(
    messages.resume,
    (input) =>
      command({ name: 'resume', input }, async () => {
        await apply(resume(sub.state, input.billingAnchor ?? 'now', nowIso()));
        if (!sub.state.currentPeriodInvoiced) await billCurrentPeriod(sub);
        return view();
      }),
    { validator: (input) => validator({ name: 'resume', input }) },
  );
  wf.setHandler(
    messages.updatePaymentMethod,
    (input) =>
      command({ name: 'updatePaymentMethod', input }, async () => {
        sub.state = update(sub.state, { paymentMethod: input.paymentMethod });
        if (sub.state.dunning) {
          await collect(sub, invoiceInDunning(sub.state));
        } else if (sub.state.status === 'unpaid') {
          // Reactivation: a fresh period from now, billed to the new card.
          sub.state = reanchor(sub.state, nowIso());
          await billCurrentPeriod(sub);
        }
        return view();
      }),
    { validator: (input) => validator({ name: 'updatePaymentMethod', input }) },
  );

  wf.setHandler(
    messages.setAddOn,
    (input) =>
      command({ name: 'setAddOn', input }, async () => {
        sub.state = setAddOnQuantity(sub.state, input, nowIso());
        return view();
      }),
    { validator: (input) => validator({ name: 'setAddOn', input }) },
  );
  wf.setHandler(
    messages.applyCoupon,
    (input) =>
      command({ name: 'applyCoupon', input }, async () => {
        sub.state = update(sub.state, { discount: discountFromCoupon(input.coupon) });
        return view();
      }),
    { validator: (input) => validator({ name: 'applyCoupon', input }) },
  );
  wf.setHandler(
    messages.removeCoupon,
    () =>
      command({ name: 'removeCoupon' }, async () => {
        sub.state = update(sub.state, { discount: null });
        return view();
      }),
    { validator: () => validator({ name: 'removeCoupon' }) },
  );
  wf.setHandler(
    messages.acceptOffer,
    (input) =>
      command({ name: 'acceptOffer', input }, async () => {
        const offer = sub.state.offer!;
        const at = nowIso();
        if (offer.expiresAt <= at) throw wf.ApplicationFailure.create({ type: 'CommandRefusedError', message: `offer ${offer.id} has expired`, nonRetryable: true });
        const quote = quotePlanChange(sub.state, { plan: offer.plan, when: 'now' }, at);
        const invoice = await changePlanNow(sub, quote);
        sub.state = update(sub.state, { discount: offerDiscount(offer) ?? sub.state.discount });
        await apply(closeOffer(sub.state, 'accepted', at));
        return { timing: quote.timing, effectiveAt: quote.effectiveAt, invoice, subscription: view() };
      }),
    { validator: (input) => validator({ name: 'acceptOffer', input }) },
  );
  wf.setHandler(
    messages.declineOffer,
    (input) =>
      command({ name: 'declineOffer', input }, async () => {
        await apply(closeOffer(sub.state, 'declined', nowIso()));
        return view();
      }),
    { validator: (input) => validator({ name: 'declineOffer', input }) },
  );

  // Usage is a fact, not a command: recorded without a new state version (no database write per
  // report); offers are evaluated on it at most once a day.
  wf.setHandler(messages.recordUsage, (event) =>
    lock.run(async () => {
      const at = nowIso();
      sub.state = { ...sub.state, usage: recordUsage(sub.state.usage, sub.state.periodIndex, event) };
      const last = sub.state.offers.lastUsageEvaluationAt;
      if (canReceiveOffer(sub.state, at) && (!last || new Date(at).getTime() - new Date(last).getTime() >= DAY_MS)) {
        sub.state = update(sub.state, { offers: { ...sub.state.offers, lastUsageEvaluationAt: at } });
        await considerOffer(sub, at);
      }
    }),
  );

  // A bulk plan migration: a change at period end under the customer's own rules (changePlan). A
  // signal has no caller to refuse, and a refusal must not fail the workflow: the answer, with its
  // reason, is recorded on the migration instead.
  wf.setHandler(messages.migratePlan, async (request) => {
    const result = await command({ name: 'changePlan', input: { plan: request.plan, when: 'period_end' } }, async () => {
      const decided = decideMigration(sub.state, request);
      if (decided.outcome === 'scheduled' && sub.state.scheduledChange?.plan.code !== request.plan.code) {
        sub.state = schedulePlanChange(sub.state, request.plan, nowIso());
      }
      return decided;
    }).catch((error: unknown) => {
      if (!isRefusal(error)) throw error;
      return refusedMigration(sub.state, request, error.message);
    });
    await local.recordPlanMigrationAnswer.executeWithOptions(
      { summary: `answer plan migration ${request.migrationId}: ${result.outcome}` },
      [{ migrationId: request.migrationId, subscriptionId: sub.state.id, ...result, at: nowIso() }],
    );
  });
}
