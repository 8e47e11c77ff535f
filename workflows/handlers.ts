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
import { hasOpened, reanchor, update } from '../domain/subscription';
import type { Subscription } from './billing';
import { billCurrentPeriod, changePlanNow, collect, invoiceInDunning } from './billing';
import * as messages from './messages';
import type { SubscriptionView } from './messages';

export interface HandlerContext {
  sub: Subscription;
  view(): SubscriptionView;
  /** Runs a command under the lock after re-checking it; publishes the new state. */
  command<T>(cmd: Command, run: () => Promise<T>): Promise<T>;
  apply(step: Transition): Promise<void>;
}

const nowIso = () => new Date().toISOString();

const validate = (sub: Subscription) => (cmd: Command) => {
  checkCommand(sub.state, cmd);
};

export function registerHandlers({ sub, view, command, apply }: HandlerContext): void {
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
}
