// Importing subscriptions paid for in another billing system (domain/import.ts). A batch is
// checked whole before anything is written: one bad item refuses the request and writes nothing.
// Then its customers and subscription rows are written in one transaction and each workflow is
// started. Every step is idempotent on the subscription id, so a repeated request (after a
// timeout, a 503) finishes what an earlier one began and charges no one.
import { sendBillingProfile, writeBillingProfile } from './billing-profiles';
import { billingProfileOf } from './views';
import { randomBytes } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { importedPeriod, importPeriodProblem } from '../../domain/import';
import type { PlanSnapshot } from '../../domain/plans';
import { RULES_VERSION } from '../../domain/rules';
import type { SubscriptionStart } from '../../domain/subscription';
import { subscriptionWorkflowId } from '../../domain/subscription';
import { eachLimited } from '../../infra/each-limited';
import { toPlanSnapshot } from '../../infra/plans';
import type { SubscriptionWorkflow } from '../../workflows/contract';
import { WORKFLOW_TYPES } from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import type { FieldError } from '../problem';
import { conflict, invalid } from '../problem';
import type { ImportedSubscription, ImportSubscriptionsBody } from '../schemas/subscriptions';
import { subscriptionStartOptions } from './subscription-start-options';

/** Workflow starts in flight at once for one request: enough to hide the round trips, not a flood. */
const START_CONCURRENCY = 8;

export interface ImportedResult {
  id: string;
  workflowId: string;
  customerId: string;
  plan: string;
  currentPeriodEnd: string;
  /** False: this id had been imported (or created) before, with the same plan, card and customer. */
  created: boolean;
}

export interface ImportResult {
  created: number;
  existing: number;
  subscriptions: ImportedResult[];
}

const field = (index: number, name: string) => `subscriptions.${index}.${name}`;

async function activePlans({ prisma }: ApiDeps, items: readonly ImportedSubscription[]): Promise<Map<string, PlanSnapshot>> {
  const rows = await prisma.plan.findMany({ where: { code: { in: [...new Set(items.map((item) => item.plan))] }, active: true } });
  return new Map(rows.map((row) => [row.code, toPlanSnapshot(row)]));
}

/** Problems found in the batch itself: unknown plans, periods that cannot be imported, repeats. */
function batchProblems(items: readonly ImportedSubscription[], plans: Map<string, PlanSnapshot>, now: Date): FieldError[] {
  const errors: FieldError[] = [];
  const firstWithId = new Map<string, number>();
  const customerIdOfEmail = new Map<string, { index: number; id: string | undefined }>();
  items.forEach((item, index) => {
    const plan = plans.get(item.plan);
    if (!plan) errors.push({ field: field(index, 'plan'), message: `unknown plan "${item.plan}"` });
    const problem = plan && importPeriodProblem(plan, item.currentPeriodEnd, now, item.timeZone);
    if (problem) errors.push({ field: field(index, 'currentPeriodEnd'), message: problem });
    const earlier = firstWithId.get(item.id);
    if (earlier !== undefined) errors.push({ field: field(index, 'id'), message: `repeats the id of subscriptions.${earlier}` });
    else firstWithId.set(item.id, index);
    const { email } = item.customer;
    const seen = customerIdOfEmail.get(email);
    if (seen && item.customer.id && seen.id && seen.id !== item.customer.id) {
      errors.push({ field: field(index, 'customer.id'), message: `differs from the customer id subscriptions.${seen.index} gives this email` });
    }
    if (!seen || (!seen.id && item.customer.id)) customerIdOfEmail.set(email, { index, id: item.customer.id ?? seen?.id });
  });
  return errors;
}

/** Refuses ids imported before with another plan, card or customer, and emails owned by another customer id. */
async function refuseConflicts({ prisma }: ApiDeps, items: readonly ImportedSubscription[]) {
  const [subscriptions, customers] = await Promise.all([
    prisma.subscription.findMany({ where: { id: { in: items.map((item) => item.id) } }, include: { customer: { select: { email: true } } } }),
    prisma.customer.findMany({ where: { email: { in: [...new Set(items.map((item) => item.customer.email))] } } }),
  ]);
  const subscriptionById = new Map(subscriptions.map((row) => [row.id, row]));
  const customerByEmail = new Map(customers.map((row) => [row.email, row]));
  const conflicts: string[] = [];
  items.forEach((item, index) => {
    const row = subscriptionById.get(item.id);
    if (row && (row.planCode !== item.plan || row.paymentMethod !== item.paymentMethod || row.customer.email !== item.customer.email)) {
      conflicts.push(`subscriptions.${index}: subscription ${item.id} already exists with another plan, payment method or customer`);
    }
    const customer = customerByEmail.get(item.customer.email);
    if (customer && item.customer.id && customer.id !== item.customer.id) {
      conflicts.push(`subscriptions.${index}: email ${item.customer.email} belongs to customer ${customer.id}`);
    }
  });
  if (conflicts.length > 0) throw conflict(`nothing was imported: ${conflicts.join('; ')}`, { conflicts });
  return customerByEmail;
}

const newCustomerId = () => `cus_${randomBytes(10).toString('hex')}`;

/** Customers and subscription rows, in one transaction; returns the customer of each email. */
async function writeRows(deps: ApiDeps, items: readonly ImportedSubscription[], plans: Map<string, PlanSnapshot>, known: Map<string, { id: string; email: string; name: string | null }>) {
  const newCustomers = new Map<string, { id: string; email: string; name: string | null }>();
  for (const { customer } of items) {
    if (known.has(customer.email) || newCustomers.has(customer.email)) continue;
    newCustomers.set(customer.email, { id: customer.id ?? newCustomerId(), email: customer.email, name: customer.name ?? null });
  }
  return deps.prisma.$transaction(async (tx) => {
    if (newCustomers.size > 0) await tx.customer.createMany({ data: [...newCustomers.values()], skipDuplicates: true });
    // A billing profile in the import replaces the customer's (the last one given for an email wins).
    const profiles = new Map(items.flatMap((item) => (item.customer.billingProfile ? [[item.customer.email, item.customer.billingProfile] as const] : [])));
    for (const [email, profile] of profiles) {
      const row = await tx.customer.findUnique({ where: { email }, select: { id: true } });
      if (row) await writeBillingProfile(tx, row.id, profile);
    }
    const customers = await tx.customer.findMany({ where: { email: { in: [...new Set(items.map((item) => item.customer.email))] } } });
    const customerByEmail = new Map(customers.map((row) => [row.email, row]));
    const missing = items.filter((item) => !customerByEmail.has(item.customer.email));
    // A given customer id already used by another email: the insert above skipped it.
    if (missing.length > 0) throw conflict(`nothing was imported: customer id ${missing[0]?.customer.id ?? ''} belongs to another email`);
    // The API's row until the workflow's first projection write (version 0 is a placeholder).
    const inserted = await tx.subscription.createManyAndReturn({
      select: { id: true },
      data: items.map((item) => {
        const period = importedPeriod(plans.get(item.plan)!, item.currentPeriodEnd, item.timeZone);
        return {
          id: item.id,
          workflowId: subscriptionWorkflowId(item.id),
          customerId: customerByEmail.get(item.customer.email)!.id,
          planCode: item.plan,
          status: 'active' as const,
          paymentMethod: item.paymentMethod,
          billingAnchor: new Date(period.end),
          currentPeriodStart: new Date(period.start),
          currentPeriodEnd: new Date(period.end),
        };
      }),
      skipDuplicates: true,
    });
    return { customerByEmail, createdIds: new Set(inserted.map((row) => row.id)) };
  });
}

export async function importSubscriptions(deps: ApiDeps, body: ImportSubscriptionsBody): Promise<ImportResult> {
  const items = body.subscriptions;
  const plans = await activePlans(deps, items);
  const problems = batchProblems(items, plans, await deps.clock());
  if (problems.length > 0) throw invalid(problems);
  const known = await refuseConflicts(deps, items);
  const { customerByEmail, createdIds } = await writeRows(deps, items, plans, known);
  // A profile the import changed reaches the customer's subscriptions already running too.
  for (const email of new Set(items.filter((item) => item.customer.billingProfile).map((item) => item.customer.email))) {
    const customer = customerByEmail.get(email)!;
    await sendBillingProfile(deps, customer.id, billingProfileOf(customer)!);
  }

  const results = items.map((item): ImportedResult & { start: SubscriptionStart } => {
    const customer = customerByEmail.get(item.customer.email)!;
    const currentPeriodEnd = new Date(item.currentPeriodEnd).toISOString();
    return {
      id: item.id,
      workflowId: subscriptionWorkflowId(item.id),
      customerId: customer.id,
      plan: item.plan,
      currentPeriodEnd,
      created: createdIds.has(item.id),
      start: {
        subscriptionId: item.id,
        customer: { id: customer.id, email: customer.email, name: customer.name, billing: billingProfileOf(customer) },
        plan: plans.get(item.plan)!,
        paymentMethod: item.paymentMethod,
        currentPeriodEnd,
        ...(item.timeZone ? { timeZone: item.timeZone } : {}),
        policy: deps.policy,
        rules: RULES_VERSION,
      },
    };
  });
  // Started, not awaited: an imported subscription has nothing to do until its period ends, so
  // the answer need not wait for the workflow's first task. Also for rows found existing, in case
  // the request that wrote them failed before starting their workflow.
  await eachLimited(results, START_CONCURRENCY, async ({ start }) => {
    try {
      await deps.temporal.workflow.start<SubscriptionWorkflow>(WORKFLOW_TYPES.subscription, subscriptionStartOptions(start, deps.taskQueue));
    } catch (error) {
      // Ended under this id: it is never started again.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  });
  const subscriptions = results.map(({ start: _start, ...result }) => result);
  const created = subscriptions.filter((result) => result.created).length;
  return { created, existing: subscriptions.length - created, subscriptions };
}
