// What must hold for a subscription after any sequence of commands, checked against the workflow's
// own answer and, independently, against the books the engine wrote (invoices, payments, refunds,
// the credit ledger, the gateway's ledger). Each check returns the violations it found, named.
import { temporal } from '@temporalio/proto';
import { TRANSITIONS, type SubscriptionStatus } from '../../domain/status';
import { SKIPPED_DELIVERY } from '../../domain/deliveries';
import { nextDue } from '../../domain/schedule';
import { refundedOf } from '../../domain/payments';
import type { SubscriptionState } from '../../domain/subscription';
import type { Prisma } from '../../prisma/generated/client';
import { getSubscription, subscriptionWorkflowId } from '../../workflows/contract';
import type { Harness } from '../environment';
import { fetchRunChain } from '../histories';

const { EventType, WorkflowTaskFailedCause } = temporal.api.enums.v1;

/** Kinds of invoice line that buy service (a period's plan and add-ons, and their prorated charges), net of discounts. */
const SERVICE_LINES = new Set(['subscription', 'addon', 'proration_charge']);

export type InvoiceWithLines = Prisma.InvoiceGetPayload<{ include: { lines: true } }>;

/**
 * What was paid for each billing period's service and what went back for it. A period is known by
 * the span of the invoice that billed it; a line belongs to the period whose end it runs to (a
 * proration credit belongs to the period whose time it gives back, wherever it was invoiced);
 * a discount, and a skipped delivery's credit, belong to the period invoice they are on. Lines
 * of an imported first period, paid elsewhere, fall in period 0, paid at the imported value.
 */
export function periodMoney(
  invoices: InvoiceWithLines[],
  ledger: Array<{ cause: string; amountCents: number; periodIndex: number | null }>,
  notes: Array<{ amountCents: number; periodIndex: number | null }>,
  importedValueCents: number,
): Map<number, { paid: number; returned: number; detail: string[] }> {
  // Latest first: a period cut short by a change of interval still spans the one that replaced it.
  const spans = invoices
    .filter((i) => i.periodIndex !== null)
    .map((i) => ({ period: i.periodIndex!, start: i.periodStart.getTime(), end: i.periodEnd.getTime() }))
    .sort((a, b) => b.start - a.start || b.period - a.period);
  const money = new Map<number, { paid: number; returned: number; detail: string[] }>();
  const at = (period: number) => money.get(period) ?? money.set(period, { paid: 0, returned: 0, detail: [] }).get(period)!;
  // A line runs to the end of the period it is about (the rest of a period, or all of it).
  const periodOf = (start: Date | null, end: Date | null, fallback: number) =>
    start && end ? (spans.find((span) => span.start <= start.getTime() && end.getTime() === span.end)?.period ?? 0) : fallback;
  if (importedValueCents > 0) at(0).paid += importedValueCents;
  for (const invoice of invoices) {
    for (const line of invoice.lines) {
      const period = periodOf(line.periodStart, line.periodEnd, invoice.periodIndex ?? -1);
      if (period < 0) continue;
      // A skipped delivery's credit takes the box out of what its invoice sells, as a discount does:
      // nothing goes back when that invoice is never paid.
      const skipped = line.kind === 'proration_credit' && line.description.startsWith(SKIPPED_DELIVERY);
      if (invoice.status === 'paid' && (SERVICE_LINES.has(line.kind) || line.kind === 'discount' || skipped) && (line.periodStart || line.kind === 'discount')) at(period).paid += line.amountCents;
      if (invoice.status !== 'void' && line.kind === 'proration_credit' && !skipped) {
        at(period).returned -= line.amountCents;
        at(period).detail.push(`${invoice.number} ${line.amountCents}`);
      }
    }
  }
  for (const entry of ledger.filter((e) => e.cause === 'pause')) {
    at(entry.periodIndex ?? 0).returned += entry.amountCents;
    at(entry.periodIndex ?? 0).detail.push(`pause ${entry.amountCents}`);
  }
  for (const note of notes) {
    at(note.periodIndex ?? 0).returned += note.amountCents;
    at(note.periodIndex ?? 0).detail.push(`refund ${note.amountCents}`);
  }
  return money;
}

/**
 * Nothing given back vanishes: what the workflow counts as given back for its paid period
 * (`state.account`) is in the books (credit lines, pause credit, refunds: `periodMoney`), or is
 * a credit line still waiting for the next invoice. Null when they agree.
 */
export function givenBackVanished(state: Pick<SubscriptionState, 'account' | 'periodIndex' | 'currentPeriod' | 'pendingItems'>, money: ReturnType<typeof periodMoney>): string | null {
  const account = state.account;
  if (!account || account.periodIndex !== state.periodIndex) return null;
  const waiting = state.pendingItems
    .filter((line) => line.kind === 'proration_credit' && !line.skippedDelivery && line.periodEnd === state.currentPeriod.end)
    .reduce((sum, line) => sum - line.amountCents, 0);
  const booked = money.get(account.periodIndex);
  if ((booked?.returned ?? 0) + waiting === account.returnedCents) return null;
  return `period ${account.periodIndex}: the workflow gave back ${account.returnedCents}, the books show ${booked?.returned ?? 0} (${booked?.detail.join(', ') || 'nothing'}) and ${waiting} waits for the next invoice`;
}

/**
 * Account credit does not outlive its subscription (amount rules 4): the ledger's refunded credit
 * is what was paid out (CreditPayout), and an ended subscription keeps a balance only when it was
 * canceled now without a refund (`kept`) or its charges can take no more (nothing paid by card,
 * disputed, refunded in full). Null when that holds.
 */
export function strandedCredit(
  state: Pick<SubscriptionState, 'rules' | 'endedAt' | 'creditBalanceCents'>,
  ledger: Array<{ cause: string; amountCents: number }>,
  payouts: Array<{ amountCents: number }>,
  invoices: Array<{ status: string; amountCents: number; attempts: Array<{ outcome: string }>; creditNotes: Array<{ amountCents: number }>; creditPayouts: Array<{ amountCents: number }>; disputes: unknown[] }>,
  kept = false,
): string | null {
  const ledgerRefunded = -ledger.filter((entry) => entry.cause === 'refunded').reduce((sum, entry) => sum + entry.amountCents, 0);
  const paidOut = payouts.reduce((sum, payout) => sum + payout.amountCents, 0);
  if (ledgerRefunded !== paidOut) return `the ledger refunded ${ledgerRefunded} of account credit, the payouts ${paidOut}`;
  if (kept || state.rules < 4 || state.endedAt === null || state.creditBalanceCents <= 0) return null;
  const refundable = invoices
    .filter((invoice) => invoice.status === 'paid' && invoice.disputes.length === 0 && invoice.attempts.some((attempt) => attempt.outcome === 'succeeded'))
    .reduce((sum, invoice) => sum + invoice.amountCents - refundedOf(invoice), 0);
  return refundable > 0 ? `ended with ${state.creditBalanceCents} of account credit while its charges could still take ${refundable} back` : null;
}

/** Every failure of the workflow chain: a failed run, a workflow task that failed. */
async function workflowViolations(h: Harness, workflowId: string): Promise<string[]> {
  const found: string[] = [];
  const description = await h.env.client.workflow.getHandle(workflowId).describe();
  if (!['RUNNING', 'COMPLETED'].includes(description.status.name)) found.push(`the workflow is ${description.status.name}`);
  for (const { runId, history } of await fetchRunChain(h.env.client.workflow, workflowId)) {
    for (const event of history.events ?? []) {
      const taskFailure = event.workflowTaskFailedEventAttributes;
      // UNHANDLED_COMMAND is the server's own retry: a message arrived while the task completed.
      if (taskFailure && taskFailure.cause !== WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND) {
        found.push(`run ${runId}: a workflow task failed: ${taskFailure.failure?.message ?? WorkflowTaskFailedCause[taskFailure.cause ?? 0]}`);
      }
      if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED) {
        found.push(`run ${runId} failed: ${event.workflowExecutionFailedEventAttributes?.failure?.message ?? '?'}`);
      }
    }
  }
  return found;
}

/** The statuses one event can lead to from `status` (domain/status.ts). */
const successors = (status: SubscriptionStatus): SubscriptionStatus[] => Object.values(TRANSITIONS[status]);

/** Legal in one step or two: a single step may pass through past_due on its way to its final action. */
function legal(from: SubscriptionStatus, to: SubscriptionStatus): boolean {
  return successors(from).includes(to) || successors(from).some((middle) => successors(middle).includes(to));
}

export interface SequenceFacts {
  subscriptionId: string;
  /** Imported: its first period was paid elsewhere, for the plan's price. */
  importedValueCents: number;
  /** Canceled now without a refund: its account credit stays on the ledger by that choice. */
  creditKept: boolean;
}

/** All violations for the subscription of one sequence, once it has settled, and the status it ended in. */
export async function invariantViolations(h: Harness, facts: SequenceFacts): Promise<{ violations: string[]; status: string }> {
  const { prisma } = h.db;
  const id = facts.subscriptionId;
  const workflowId = subscriptionWorkflowId(id);
  const found = await workflowViolations(h, workflowId);
  const state: SubscriptionState = await h.env.client.workflow.getHandle(workflowId).query(getSubscription);
  const now = await h.env.currentTimeMs();

  // The database projection says what the workflow says.
  const row = await prisma.subscription.findUniqueOrThrow({ where: { id } });
  const projected = {
    status: row.status,
    plan: row.planCode,
    periodIndex: row.periodIndex,
    periodStart: row.currentPeriodStart?.toISOString(),
    periodEnd: row.currentPeriodEnd?.toISOString(),
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
    paymentMethod: row.paymentMethod,
    version: row.stateVersion,
  };
  const live = {
    status: state.status,
    plan: state.plan.code,
    periodIndex: state.periodIndex,
    periodStart: state.currentPeriod.start,
    periodEnd: state.currentPeriod.end,
    cancelAtPeriodEnd: state.cancelAtPeriodEnd,
    paymentMethod: state.paymentMethod,
    version: state.version,
  };
  if (JSON.stringify(projected) !== JSON.stringify(live)) found.push(`the database row ${JSON.stringify(projected)} differs from the workflow ${JSON.stringify(live)}`);

  // Nothing is overdue: whatever is due has run (a subscription that ends active is billed up to date).
  const due = nextDue(state);
  if (due && new Date(due.at).getTime() < now - 60_000) found.push(`${due.kind} was due ${due.at} and has not run (now ${new Date(now).toISOString()})`);
  // (An imported first period was paid elsewhere: it has no invoice here.)
  const paidElsewhere = facts.importedValueCents > 0 && state.periodIndex === 0 && state.latestInvoice === null;
  // (A charge settling later leaves it active with the invoice open until it settles.)
  const settling = state.pendingPayment?.charge.invoice.number === state.latestInvoice?.number;
  if (state.status === 'active' && (!state.currentPeriodInvoiced || (state.latestInvoice?.status !== 'paid' && !paidElsewhere && !settling))) {
    found.push(`active but the current period ${state.periodIndex} is not invoiced and paid (latest ${JSON.stringify(state.latestInvoice)})`);
  }

  // Statuses moved only as domain/status.ts allows.
  const changes = await prisma.statusChange.findMany({ where: { subscriptionId: id }, orderBy: { version: 'asc' } });
  changes.forEach((change, index) => {
    const previous = changes[index - 1];
    if (previous && change.from !== previous.to) found.push(`status change v${change.version} starts from ${change.from}, not ${previous.to}`);
    if (change.from && change.from !== change.to && !legal(change.from, change.to)) found.push(`illegal status change ${change.from} → ${change.to}`);
  });
  if (changes.at(-1) && changes.at(-1)!.to !== state.status) found.push(`the last status change is to ${changes.at(-1)!.to}, the workflow is ${state.status}`);

  // Invoices and payments.
  const invoices = await prisma.invoice.findMany({
    where: { subscriptionId: id },
    include: { lines: true, attempts: true, creditNotes: { where: { kind: 'refund' } }, creditPayouts: true, disputes: { select: { id: true } } },
  });
  const references = invoices.map((invoice) => invoice.reference);
  for (const invoice of invoices) {
    const lines = invoice.lines.reduce((sum, line) => sum + line.amountCents, 0);
    if (invoice.amountCents !== Math.max(0, lines)) found.push(`${invoice.number}: amount ${invoice.amountCents} is not its lines' total ${lines}`);
    const succeeded = invoice.attempts.filter((a) => a.outcome === 'succeeded');
    if (invoice.status === 'paid' && succeeded.length !== 1) found.push(`${invoice.number} is paid by ${succeeded.length} successful charges`);
    if (invoice.status !== 'paid' && succeeded.length > 0) found.push(`${invoice.number} is ${invoice.status} but was charged`);
    // Only the payment the workflow waits for may be pending; any other was lost track of.
    const waitedFor = state.pendingPayment?.charge.idempotencyKey;
    if (invoice.attempts.some((a) => a.outcome === 'pending' && a.idempotencyKey !== waitedFor)) found.push(`${invoice.number} has a charge attempt still pending`);
    const refunded = refundedOf(invoice);
    if (refunded > 0 && invoice.status !== 'paid') found.push(`${invoice.number} is ${invoice.status} but has refunds`);
    if (refunded > invoice.amountCents) found.push(`${invoice.number}: ${refunded} refunded of ${invoice.amountCents} paid`);
  }
  const billedPeriods = new Map<number, number>();
  for (const invoice of invoices) {
    if (invoice.periodIndex !== null && invoice.status !== 'void') billedPeriods.set(invoice.periodIndex, (billedPeriods.get(invoice.periodIndex) ?? 0) + 1);
  }
  for (const [period, count] of billedPeriods) if (count > 1) found.push(`period ${period} is invoiced ${count} times`);
  const firstBilled = state.trialEnd || facts.importedValueCents > 0 ? 1 : 0;
  for (let period = firstBilled; period <= state.periodIndex; period += 1) {
    if (!invoices.some((invoice) => invoice.periodIndex === period)) found.push(`period ${period} was never invoiced`);
  }

  // The gateway's ledger agrees: every successful charge is one recorded payment of an invoice, and refunds are the credit notes and the credit paid out.
  const charges = await prisma.sandboxCharge.findMany({ where: { reference: { in: references } } });
  const paidCharges = new Set(invoices.flatMap((i) => i.attempts.filter((a) => a.outcome === 'succeeded').map((a) => a.gatewayChargeId)));
  for (const charge of charges.filter((c) => c.outcome === 'succeeded')) {
    if (!paidCharges.has(charge.chargeId)) found.push(`the gateway charged ${charge.amountCents} for ${charge.reference} (${charge.idempotencyKey}) but no payment records it`);
  }
  const perReference = new Map<string, number>();
  for (const charge of charges.filter((c) => c.outcome === 'succeeded')) perReference.set(charge.reference, (perReference.get(charge.reference) ?? 0) + 1);
  for (const [reference, count] of perReference) if (count > 1) found.push(`the gateway charged ${reference} ${count} times`);
  const notes = invoices.flatMap((i) => i.creditNotes);
  const refunds = await prisma.sandboxRefund.findMany({ where: { chargeId: { in: charges.map((c) => c.chargeId) } } });
  const payouts = invoices.flatMap((i) => i.creditPayouts);
  const refundedBooks = invoices.reduce((sum, invoice) => sum + refundedOf(invoice), 0);
  const refundedGateway = refunds.reduce((sum, refund) => sum + refund.amountCents, 0);
  if (refundedBooks !== refundedGateway) found.push(`credit notes and payouts refund ${refundedBooks}, the gateway refunded ${refundedGateway}`);

  // The credit ledger and the workflow agree, and the balance never went below zero.
  const ledger = await prisma.creditEntry.findMany({ where: { subscriptionId: id } });
  const balance = ledger.reduce((sum, entry) => sum + entry.amountCents, 0);
  if (balance !== state.creditBalanceCents) found.push(`the credit ledger sums to ${balance}, the workflow holds ${state.creditBalanceCents}`);
  if (ledger.some((entry) => entry.balanceAfterCents < 0)) found.push('the credit balance went below zero');

  const creditStranded = strandedCredit(state, ledger, payouts, invoices, facts.creditKept);
  if (creditStranded) found.push(creditStranded);

  // No money out of thin air, period by period, from the books alone: what went back for a period
  // (unused-time credit lines, pause credit, refunds) never exceeds what was paid for its service.
  // (Credit paid out at the end is not: it went back when it was granted.)
  const money = periodMoney(invoices, ledger, notes, facts.importedValueCents);
  for (const [period, { returned, paid, detail }] of money) {
    if (returned > paid) found.push(`period ${period}: ${returned} went back (${detail.join(', ')}) of ${paid} paid`);
  }
  const vanished = givenBackVanished(state, money);
  if (vanished) found.push(vanished);
  if (state.account && state.account.returnedCents > state.account.paidCents) {
    found.push(`period ${state.account.periodIndex}: ${state.account.returnedCents} went back of ${state.account.paidCents} paid`);
  }
  return { violations: found, status: state.status };
}
