// The one owner of a subscription workflow's state during a run. Every change goes through
// `apply(step)`: a pure domain step gives the new state and its effects, and the entity carries the
// effects out in order, handing what comes back (a charge's outcome, the upsell rules' answer) to
// the next pure step. Commands, signals and the workflow's own timers each run as one step under a
// FIFO lock, so a step always sees the state the previous one left.
import * as wf from '@temporalio/workflow';
import { settleCharge } from '../domain/collection';
import { creditRefunded } from '../domain/credit';
import type { Command } from '../domain/commands';
import { checkCommand } from '../domain/commands';
import { runCommand } from '../domain/command-steps';
import type { CommandFailure, CommandReply, Effect, EmailIntent, OfferRecord, Transition } from '../domain/effects';
import type { OfferDecision } from '../domain/offers';
import { offerEvaluated } from '../domain/offers';
import type { Due } from '../domain/schedule';
import { dueStep, nextDue } from '../domain/schedule';
import type { SubscriptionState } from '../domain/subscription';
import { isEnded, nextBillingAt, openSubscription, withDefaults } from '../domain/subscription';
import { welcomeEmail } from '../domain/collection';
import { chargePending, endsPendingPayment, pendingAnswered, resolvePending } from '../domain/pending-payment';
import type { ChargeIntent, ChargeResult, FinalChargeResult } from '../domain/payments';
import { activities, local } from './activities';
import type { SubscriptionView, SubscriptionWorkflow, SubscriptionWorkflowInput } from './contract';
import {
  subscriptionView,
  CancelAtPeriodEndKey,
  CustomerIdKey,
  DunningAttemptKey,
  HasOpenOfferKey,
  NextBillingAtKey,
  PlanCodeKey,
  SubscriptionStatusKey,
} from './contract';
import { usageBilledBy, usageLinesAdded, usageRenewalAt } from '../domain/usage-arrears';
import { deliveriesBilledBy, renewedPeriod, skippedCreditsAdded, skippedDeliveryCredits } from '../domain/deliveries';
import { describeState } from './details';
import { Lock } from './lock';

/** Marks histories whose renewals may wait for late usage and bill metered add-ons (domain/usage-arrears.ts). */
const METERED_USAGE_PATCH = 'metered-usage-arrears';

/** Marks histories whose renewals ask which deliveries were skipped and credit them (domain/deliveries.ts). */
const DELIVERY_SKIPS_PATCH = 'delivery-skips';

/**
 * Marks first runs that queue a step's emails with its projection write (recordStep); later runs
 * are told so by their continue-as-new input, so the marker is not repeated every period.
 */
const BATCHED_WRITES_PATCH = 'batched-step-writes';

/**
 * Marks first runs whose opening projection write (the subscription recorded as incomplete) goes
 * with the first invoice, in its local activity: a sign-up's first charge waits for one local
 * activity fewer. Older histories wrote it alone, first.
 */
const OPENING_WITH_INVOICE_PATCH = 'opening-with-first-invoice';

/**
 * Marks first runs that ask the upsell rules in a step's final write (recordStep) instead of a local
 * activity of their own, and record offers there too: a paid period has one local activity fewer.
 * Later runs are told so by their continue-as-new input, like BATCHED_WRITES_PATCH.
 */
const OFFERS_WITH_WRITE_PATCH = 'offers-with-step-write';

/**
 * Marks first runs in which a timer that fired runs its step and, after the opening, every step
 * waits for its timer (subscription.ts says why). Later runs are told so by their continue-as-new
 * input, like BATCHED_WRITES_PATCH.
 */
const TIMER_RUNS_STEP_PATCH = 'timer-runs-its-step';

/**
 * Marks runs that write the stored view when a step changed what the query answers but not the
 * version (a usage report): GET /subscriptions/:id reads that view. Older histories did not write.
 */
const VIEW_CHANGES_PATCH = 'project-view-changes';

/** How many command ids the state remembers, so a command retried after continue-as-new applies once. */
const RECENT_COMMAND_IDS = 32;

const nowIso = () => new Date().toISOString();

/** Domain refusals, and any other error a pure step throws, fail the command's update: never the workflow task. */
function updateFailure(error: unknown): wf.ApplicationFailure {
  if (error instanceof wf.ApplicationFailure) return error;
  const refused = error instanceof Error && (error.name === 'CommandRefusedError' || error.name === 'IllegalTransitionError');
  return wf.ApplicationFailure.create({
    type: refused ? 'CommandRefusedError' : 'CommandFailedError',
    message: error instanceof Error ? error.message : String(error),
    nonRetryable: true,
  });
}

export class SubscriptionEntity {
  state: SubscriptionState;
  private readonly lock = new Lock();
  /** Counts applied steps: the main loop's wait ends when it moves. */
  private changes = 0;
  private syncedVersion = 0;
  /** The query's answer as last written (JSON), to see a change that kept the version. */
  private syncedView = '';
  private readonly startPeriodIndex: number;
  /** What the running command's steps answered, and the failure they ended with. */
  private reply: CommandReply = {};
  private failure: CommandFailure | null = null;
  /** Business time of the running step: its emails are dated then, also in simulations. */
  private stepAt = nowIso();
  /** Whether this run writes a step's emails with its projection (see BATCHED_WRITES_PATCH). */
  private readonly batchedWrites: boolean;
  /** Emails the running step queued, written when it publishes. */
  private queuedEmails: Array<{ intent: EmailIntent; at: string }> = [];
  /** Whether this run asks the upsell rules and records offers in the step's write (see OFFERS_WITH_WRITE_PATCH). */
  private readonly offersWithWrite: boolean;
  /** Offers the running step made or closed, written when it publishes. */
  private queuedOffers: OfferRecord[] = [];
  /** When the running step asked the upsell rules: its final write asks them, for the state it leaves. */
  private offersAskedAt: string | null = null;
  /** Whether a fired timer runs its step without asking the clock again (see TIMER_RUNS_STEP_PATCH). */
  readonly timerRunsStep: boolean;
  /** The opening projection write, held for the first invoice's local activity (OPENING_WITH_INVOICE_PATCH). */
  private openingWrite: { state: SubscriptionState; at: string } | null = null;

  constructor(private readonly start: SubscriptionWorkflowInput['start'], carried: SubscriptionState | undefined, runFlags: Pick<SubscriptionWorkflowInput, 'batchedWrites' | 'offersWithWrite' | 'timerRunsStep'> = {}) {
    this.batchedWrites = carried ? runFlags.batchedWrites === true : wf.patched(BATCHED_WRITES_PATCH);
    this.offersWithWrite = carried ? runFlags.offersWithWrite === true : this.batchedWrites && wf.patched(OFFERS_WITH_WRITE_PATCH);
    this.timerRunsStep = carried ? runFlags.timerRunsStep === true : wf.patched(TIMER_RUNS_STEP_PATCH);
    const initial = carried ? withDefaults(carried) : openSubscription(start, new Date());
    this.state = { ...initial, runs: { ...initial.runs, count: initial.runs.count + 1 } };
    this.startPeriodIndex = this.state.periodIndex;
  }

  view(): SubscriptionView {
    return subscriptionView(this.state);
  }

  get ended(): boolean {
    return isEnded(this.state);
  }

  /** A period boundary was crossed in this run, or the history asks for a fresh run. */
  get timeToContinue(): boolean {
    const info = wf.workflowInfo();
    return this.state.periodIndex !== this.startPeriodIndex || info.continueAsNewSuggested;
  }

  /** The first run records the subscription before anything refers to it (invoices have a foreign key to it). */
  async open(): Promise<void> {
    if (this.opensWithFirstInvoice()) {
      this.publishVisible();
      this.syncedVersion = this.state.version;
      this.syncedView = JSON.stringify(this.view());
      this.openingWrite = { state: this.state, at: this.stepAt };
      return;
    }
    await this.publish();
    if (this.state.status !== 'trialing') return;
    this.stepAt = nowIso();
    await this.locked(async () => {
      await this.apply({ state: this.state, effects: [welcomeEmail(this.state)] });
      await this.writeQueuedEmails();
    });
  }

  /**
   * A new subscription whose first step is its first bill, due now: the loop runs it at once, and
   * that step's first write is the invoice, which the opening write can join. Asked only then, so
   * the patch marker is in exactly the histories that take this path.
   */
  private opensWithFirstInvoice(): boolean {
    if (!this.batchedWrites || this.state.status !== 'incomplete') return false;
    const due = nextDue(this.state);
    return due?.kind === 'bill' && new Date(due.at).getTime() <= Date.now() && wf.patched(OPENING_WITH_INVOICE_PATCH);
  }

  /** Writes the held opening projection on its own: anything else that writes comes after it, as it always did. */
  private async flushOpening(): Promise<void> {
    const opening = this.openingWrite;
    if (!opening) return;
    this.openingWrite = null;
    await local.recordStep.executeWithOptions({ summary: `record ${opening.state.status}, period ${opening.state.periodIndex}` }, [{ emails: [], state: opening.state, at: opening.at }]);
  }

  /**
   * Sleeps until `due` or until any step changes the state (a command, a usage report's offer);
   * true when it was the timer that ended the wait.
   */
  async waitFor(due: Due | null, summary: string | undefined): Promise<boolean> {
    await this.flushOpening();
    const seen = this.changes;
    const changed = () => this.changes !== seen;
    if (!due) {
      await wf.condition(changed);
      return false;
    }
    return !(await wf.condition(changed, Math.max(1, new Date(due.at).getTime() - Date.now()), { summary: summary ?? due.kind }));
  }

  /** When `due` runs: a renewal that bills metered usage first waits out the grace window for late events. */
  runsAt(due: Due): string {
    return this.billsUsage(due) ? usageRenewalAt(this.state, due) : due.at;
  }

  /** Whether the step `due` bills metered usage; asked only when it would, so older histories replay unchanged. */
  private billsUsage(due: Due): boolean {
    return usageBilledBy(this.state, due).length > 0 && wf.patched(METERED_USAGE_PATCH);
  }

  /** Runs a timer-driven step; its business time is when it was due, not the task's start. */
  runDue(due: Due): Promise<void> {
    return this.locked(async () => {
      // A command may have changed what is due while this step waited for the lock.
      const still = nextDue(this.state);
      if (still?.kind !== due.kind || still.at !== due.at) return;
      this.stepAt = due.at;
      const billed = this.billsUsage(due) ? usageLinesAdded(this.state, await this.usageLines(due)) : this.state;
      const state = this.billsDeliveries(billed, due) ? skippedCreditsAdded(billed, await this.skippedCredits(billed, due)) : billed;
      await this.apply(dueStep(state, due));
      const after = nextDue(this.state);
      if (after?.kind === due.kind && after.at === due.at) {
        throw new Error(`the ${due.kind} step due ${due.at} changed nothing that makes it not due: a bug in domain/schedule.ts`);
      }
      await this.publish();
    });
  }

  /** A line per metered add-on for the period ending at `due`, from the usage events the database holds. */
  private usageLines(due: Due) {
    const items = usageBilledBy(this.state, due);
    const period = this.state.currentPeriod;
    return local.meteredUsageLines.executeWithOptions({ summary: `bill usage of ${items.map((item) => item.code).join(', ')}, ${period.start.slice(0, 10)} – ${period.end.slice(0, 10)}` }, [
      { subscriptionId: this.state.id, period, currency: this.state.plan.currency, items },
    ]);
  }

  /** Whether the step `due` renews with shipping add-ons; asked only when it does, so older histories replay unchanged. */
  private billsDeliveries(state: SubscriptionState, due: Due): boolean {
    return deliveriesBilledBy(state, due).length > 0 && wf.patched(DELIVERY_SKIPS_PATCH);
  }

  /** A credit line per shipping add-on whose delivery for the renewed period the customer skipped. */
  private async skippedCredits(state: SubscriptionState, due: Due) {
    const codes = deliveriesBilledBy(state, due);
    const period = renewedPeriod(state);
    const skipped = await local.skippedDeliveries.executeWithOptions({ summary: `ask for skipped deliveries of ${codes.join(', ')}, ${period.start.slice(0, 10)}` }, [
      { subscriptionId: state.id, period, codes },
    ]);
    return skippedDeliveryCredits(state.addOns, skipped, period);
  }

  /** Whether the update `updateId` was already applied (in an earlier run: Temporal deduplicates within one). */
  applied(updateId: string | undefined): boolean {
    return updateId !== undefined && this.state.recentCommandIds.includes(updateId);
  }

  /** The update validator: refuses what the lifecycle rules refuse, before it enters history. */
  validate(command: Command): void {
    if (this.applied(wf.currentUpdateInfo()?.id)) return;
    checkCommand(this.state, command, nowIso());
  }

  /**
   * Runs a command under the lock, re-checking it against the state it now meets. Whatever is
   * refused or declined fails the update (the API's 409 and 402), never the workflow task.
   */
  command(command: Command): Promise<CommandReply> {
    const updateId = wf.currentUpdateInfo()?.id;
    return this.locked(async () => {
      if (this.applied(updateId)) return this.repeatedReply();
      const at = nowIso();
      this.stepAt = at;
      if (this.state.pendingPayment && endsPendingPayment(command)) {
        await this.apply(resolvePending(this.state, at, true));
        await this.publish();
      }
      let step: Transition;
      try {
        checkCommand(this.state, command, at);
        step = runCommand(this.state, command, at);
      } catch (error) {
        throw updateFailure(error);
      }
      this.reply = {};
      this.failure = null;
      await this.apply(step);
      const failure = this.failure as CommandFailure | null;
      if (!failure && updateId) {
        this.state = { ...this.state, recentCommandIds: [...this.state.recentCommandIds, updateId].slice(-RECENT_COMMAND_IDS) };
      }
      await this.publish();
      if (failure) {
        throw wf.ApplicationFailure.create({ type: failure.type, message: failure.message, nonRetryable: true, details: failure.details ? [failure.details] : [] });
      }
      return this.reply;
    });
  }

  /**
   * A signal's step (usage, a plan migration): nothing to refuse to, so it only changes state.
   *
   * It queues for the lock only after the activation's other jobs: when a signal and an update
   * arrive in one workflow task, the SDK may hand them to the workflow in one order the first time
   * and in the other on replay (the update's order comes from the task's messages, then from its
   * accepted event). Updates first, always, keeps the two the same.
   */
  async signal(step: (state: SubscriptionState, at: string) => Transition): Promise<void> {
    await Promise.resolve();
    return this.locked(async () => {
      this.stepAt = nowIso();
      await this.apply(step(this.state, this.stepAt));
      await this.publish();
    });
  }

  /** The run's end: an ended subscription completes, a running one continues as new with its state. */
  async close(): Promise<SubscriptionState> {
    await this.flushOpening();
    await wf.condition(wf.allHandlersFinished);
    if (this.ended) return this.state;
    const historyLength = wf.workflowInfo().historyLength;
    const { runs } = this.state;
    const carried = { ...this.state, runs: { ...runs, lastHistoryLength: historyLength, maxHistoryLength: Math.max(runs.maxHistoryLength, historyLength) } };
    return wf.continueAsNew<SubscriptionWorkflow>({ start: this.start, state: carried, batchedWrites: true, offersWithWrite: true, timerRunsStep: true });
  }

  private locked<T>(step: () => Promise<T>): Promise<T> {
    return this.lock.run(step);
  }

  /** A command already applied in an earlier run: what it can still tell (the state it left). */
  private repeatedReply(): CommandReply {
    const change = this.state.scheduledChange;
    const latest = this.state.latestInvoice;
    return change
      ? { timing: 'period_end', effectiveAt: this.state.currentPeriod.end, invoice: null }
      : { timing: 'now', effectiveAt: latest?.paidAt ?? nowIso(), invoice: latest?.billingReason === 'subscription_update' ? latest : null };
  }

  private async apply(step: Transition): Promise<void> {
    this.state = step.state;
    this.changes += 1;
    if (step.reply) this.reply = { ...this.reply, ...step.reply };
    for (const effect of step.effects) await this.carryOut(effect);
  }

  private async carryOut(effect: Effect): Promise<void> {
    // Only the first invoice takes the held opening write with it; any other write goes after it.
    if (effect.kind !== 'issue_invoice' && effect.kind !== 'email' && effect.kind !== 'refuse') await this.flushOpening();
    switch (effect.kind) {
      case 'email':
        if (this.batchedWrites) {
          this.queuedEmails.push({ intent: effect.email, at: this.stepAt });
          return;
        }
        await local.queueEmail.executeWithOptions({ summary: `email ${effect.email.content.template} to ${effect.email.to}` }, [effect.email, this.stepAt]);
        return;
      case 'issue_invoice': {
        const { draft } = effect;
        const opening = this.openingWrite;
        this.openingWrite = null;
        const summary = opening ? `record ${opening.state.status}, period ${opening.state.periodIndex}; issue invoice ${draft.number}` : `issue invoice ${draft.number}`;
        const issued = await local.issueInvoice.executeWithOptions({ summary }, [{ draft, credit: effect.credit, ...(opening ? { opening } : {}) }]);
        issuedAsDrafted(draft, issued);
        return;
      }
      case 'charge': {
        const { charge } = effect;
        const result = await activities.chargeInvoice.executeWithOptions({ summary: `charge invoice ${charge.invoice.number}, attempt ${charge.attempt}` }, [
          {
            invoiceNumber: charge.invoice.number,
            attempt: charge.attempt,
            idempotencyKey: charge.idempotencyKey,
            paymentMethod: charge.paymentMethod,
            amountCents: charge.invoice.amountCents,
            currency: charge.invoice.currency,
            claimsPeriodIndex: charge.claimsPeriodIndex,
            at: charge.at,
          },
        ]);
        if (result.outcome !== 'pending') {
          await this.apply(settleCharge(this.state, charge, result));
        } else if (charge.purpose.kind === 'collect') {
          await this.apply(chargePending(this.state, charge, result));
        } else {
          // A plan change or a final invoice is settled while its command waits: a charge that
          // cannot complete now is ended at the gateway, and settled as what it ended as.
          await this.apply(settleCharge(this.state, charge, await this.resolveCharge(charge, result.chargeId, true, charge.at)));
        }
        return;
      }
      case 'resolve_charge':
        await this.apply(pendingAnswered(this.state, await this.resolveCharge(effect.pending.charge, effect.pending.chargeId, effect.cancel, effect.at), effect.at));
        return;
      case 'record_gateway_refund': {
        const { event } = effect;
        await activities.recordGatewayRefund.executeWithOptions({ summary: `record refunds of charge ${event.chargeId}: ${event.refundedCents} ${event.currency} in all` }, [event]);
        return;
      }
      case 'record_dispute': {
        const { event } = effect;
        await activities.recordDispute.executeWithOptions({ summary: `record dispute ${event.disputeId} (${event.reason})` }, [event]);
        return;
      }
      case 'invoice_status':
        await local.setInvoiceStatus.executeWithOptions({ summary: `mark invoice ${effect.invoiceNumber} ${effect.status}` }, [
          { invoiceNumber: effect.invoiceNumber, status: effect.status, at: effect.at, credit: effect.credit },
        ]);
        return;
      case 'refund':
        for (const refund of effect.refunds) {
          await activities.refundInvoice.executeWithOptions({ summary: `refund ${refund.amountCents} on invoice ${refund.invoiceNumber}` }, [{ ...refund, at: effect.at }]);
        }
        return;
      case 'refund_credit': {
        const amountCents = Math.min(effect.amountCents, this.state.creditBalanceCents);
        if (amountCents <= 0) return;
        const { refundedCents } = await activities.refundAccountCredit.executeWithOptions({ summary: `refund ${amountCents} of account credit` }, [
          { subscriptionId: this.state.id, amountCents, at: effect.at },
        ]);
        await this.apply(creditRefunded(this.state, refundedCents, effect.at));
        return;
      }
      case 'credit':
        await local.recordCredit.executeWithOptions({ summary: `record account credit ${effect.entries.map((e) => e.cause).join(', ')}` }, [
          { subscriptionId: this.state.id, customerId: this.state.customer.id, currency: this.state.plan.currency, entries: effect.entries },
        ]);
        return;
      case 'offer': {
        const { kind: _kind, ...record } = effect;
        if (this.offersWithWrite) {
          this.queuedOffers.push(record);
          return;
        }
        await local.recordOffer.executeWithOptions({ summary: `record offer ${effect.offer.id} ${effect.status}` }, [record]);
        return;
      }
      case 'evaluate_offers':
        if (!this.offersWithWrite) {
          await this.askOffersAlone(effect.at);
          return;
        }
        // The request ends its step (it follows the step's last charge, or is a usage report's only
        // effect), so the state the step's final write leaves is the one the rules would see now. A
        // second request in one step (none today) lets the first go alone, as before.
        if (this.offersAskedAt !== null) await this.askOffersAlone(this.offersAskedAt);
        this.offersAskedAt = effect.at;
        return;
      case 'migration_answer':
        await local.recordPlanMigrationAnswer.executeWithOptions({ summary: `answer plan migration ${effect.answer.migrationId}: ${effect.answer.outcome}` }, [effect.answer]);
        return;
      case 'refuse':
        this.failure = effect.failure;
        return;
    }
  }

  /** The upsell rules asked in a local activity of their own (runs without OFFERS_WITH_WRITE_PATCH). */
  private async askOffersAlone(at: string): Promise<void> {
    const decision = await local.evaluateOffers.executeWithOptions({ summary: 'evaluate upsell rules' }, [this.state]);
    await this.apply(offerEvaluated(this.state, decision, at));
  }

  /** The gateway's word on the pending charge `chargeId` of `charge`; `cancel` ends it there first, so the answer is final. */
  private async resolveCharge(charge: ChargeIntent, chargeId: string, cancel: true, at: string): Promise<FinalChargeResult>;
  private async resolveCharge(charge: ChargeIntent, chargeId: string, cancel: boolean, at: string): Promise<ChargeResult>;
  private async resolveCharge(charge: ChargeIntent, chargeId: string, cancel: boolean, at: string): Promise<ChargeResult> {
    const verb = cancel ? 'end' : 'check';
    const result = await activities.resolveCharge.executeWithOptions({ summary: `${verb} pending charge of invoice ${charge.invoice.number}, attempt ${charge.attempt}` }, [
      { invoiceNumber: charge.invoice.number, idempotencyKey: charge.idempotencyKey, chargeId, cancel, claimsPeriodIndex: charge.claimsPeriodIndex, at },
    ]);
    if (cancel && result.outcome === 'pending') throw new Error(`the gateway still calls charge ${chargeId} pending after canceling it`);
    return result;
  }

  /** Search attributes, UI details and the database projection; `at` dates a status change. */
  private async publish(at = this.stepAt): Promise<void> {
    await this.flushOpening();
    const offersAskedAt = this.offersAskedAt;
    this.offersAskedAt = null;
    // Asked: the search attributes wait for the rules' answer (an offer changes HasOpenOffer), so one upsert follows it.
    if (offersAskedAt === null) this.publishVisible();
    const { state } = this;
    const view = JSON.stringify(this.view());
    // patched() only where a view changed at the same version, so other histories carry no marker.
    const changed = state.version !== this.syncedVersion || (view !== this.syncedView && wf.patched(VIEW_CHANGES_PATCH));
    this.syncedVersion = state.version;
    this.syncedView = view;
    if (offersAskedAt !== null) {
      const decision = await this.writeQueuedEmails(changed ? state : null, at, true);
      // An offer made: its record, email and projection go in a second write (the rare case).
      await this.apply(offerEvaluated(this.state, decision, offersAskedAt));
      await this.publish(at);
    } else if (this.batchedWrites) {
      await this.writeQueuedEmails(changed ? state : null, at);
    } else if (changed) {
      await local.syncSubscription.executeWithOptions({ summary: `record ${state.status}, period ${state.periodIndex}` }, [state, at]);
    }
  }

  /** Search attributes and UI details: what Temporal shows of the state, no activity. */
  private publishVisible(): void {
    const { state } = this;
    const next = nextBillingAt(state);
    wf.upsertSearchAttributes([
      { key: SubscriptionStatusKey, value: state.status },
      { key: PlanCodeKey, value: state.plan.code },
      { key: CustomerIdKey, value: state.customer.id },
      { key: NextBillingAtKey, value: next ? new Date(next) : null },
      { key: DunningAttemptKey, value: state.dunning?.attempts ?? null },
      { key: CancelAtPeriodEndKey, value: state.cancelAtPeriodEnd },
      { key: HasOpenOfferKey, value: state.offer !== null },
    ]);
    wf.setCurrentDetails(describeState(this.view()));
  }

  /**
   * The offers and emails the step queued, and the state it left when there is one to project: one
   * local activity, which then asks the upsell rules for the current state when `askOffers`.
   */
  private async writeQueuedEmails(state: SubscriptionState | null = null, at = this.stepAt, askOffers = false): Promise<OfferDecision | null> {
    const emails = this.queuedEmails;
    const offers = this.queuedOffers;
    if (emails.length === 0 && offers.length === 0 && !state && !askOffers) return null;
    this.queuedEmails = [];
    this.queuedOffers = [];
    const parts = [
      ...offers.map(({ offer, status }) => `record offer ${offer.id} ${status}`),
      ...(state ? [`record ${state.status}, period ${state.periodIndex}`] : []),
      ...emails.map(({ intent }) => `email ${intent.content.template} to ${intent.to}`),
      ...(askOffers ? ['evaluate upsell rules'] : []),
    ];
    const writes = { emails, state, at, ...(offers.length > 0 ? { offers } : {}), ...(askOffers ? { offersFor: this.state } : {}) };
    return (await local.recordStep.executeWithOptions({ summary: parts.join('; ') }, [writes])) ?? null;
  }
}

/**
 * The invoice the database holds under a number must be the one the rules drafted. They differ
 * when the rules changed under a running subscription without a rule version (domain/rules.ts):
 * replaying its history would compute other amounts than those invoiced. The workflow task fails,
 * so nothing goes on from a state that disagrees with the books, and replay tests catch it.
 */
function issuedAsDrafted(draft: { number: string; amountCents: number; currency: string }, issued: { number: string; amountCents: number; currency: string }): void {
  if (issued.number !== draft.number || issued.amountCents !== draft.amountCents || issued.currency !== draft.currency) {
    throw new Error(
      `invoice ${draft.number} is recorded as ${issued.amountCents} ${issued.currency} but the current rules draft ${draft.amountCents} ${draft.currency}: ` +
        'an amount rule changed without a rule version (domain/rules.ts)',
    );
  }
}
