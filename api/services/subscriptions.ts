// Creating and reading subscriptions: every check first (plan, package items, coupon), then the
// coupon's redemption, the rows (so nothing the workflow writes is orphaned), and the workflow
// through update-with-start, which is idempotent on the workflow id; or, asynchronously, the rows
// with a pending start that the outbox's dispatcher turns into the workflow (sign-up-starts.ts).
import { randomBytes } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { RULES_VERSION } from '../../domain/rules';
import type { PackageItems } from '../../domain/packages';
import type { PlanSnapshot } from '../../domain/plans';
import type { SubscriptionStart } from '../../domain/subscription';
import { subscriptionWorkflowId } from '../../domain/subscription';
import { toPlanSnapshot } from '../../infra/plans';
import type { SubscriptionView, SubscriptionWorkflow } from '../../workflows/contract';
import { awaitOpening, WORKFLOW_TYPES } from '../../workflows/contract';
import type { ApiDeps } from '../deps';
import { conflict, invalid } from '../problem';
import { withCommandDeadline } from './commands';
import { readSubscriptionView } from './subscription-view';
import { CouponRefused, couponField, withRedemption } from './coupon-redemptions';
import { priceItems } from './package-items';
import { sendBillingProfile, writeBillingProfile } from './billing-profiles';
import { insertPendingStart, insertSignUpRows, readSignUpPriors } from './sign-up-rows';
import { cachedRead } from '../read-cache';
import type { PendingStart } from './sign-up-starts';
import { subscriptionStartOptions } from './subscription-start-options';
import { billingProfileOf } from './views';
import type { CreateSubscriptionBody } from '../schemas/subscriptions';

const newId = (prefix: string) => `${prefix}_${randomBytes(10).toString('hex')}`;

export interface CreateResult {
  created: boolean;
  subscription: SubscriptionView;
}

/** A sign-up answered before its first charge (Prefer: respond-async): where to follow it. */
export interface AcceptedSubscription {
  id: string;
  customerId: string;
  plan: string;
  /** `incomplete` until the workflow has opened it: poll GET /subscriptions/:id, or take the webhooks. */
  status: 'incomplete';
  href: string;
}

export type CreateOutcome = CreateResult | { created: boolean; accepted: AcceptedSubscription };

async function upsertCustomer({ prisma }: ApiDeps, customer: CreateSubscriptionBody['customer']) {
  const existing = await prisma.customer.findUnique({ where: { email: customer.email } });
  if (existing) {
    if (customer.id && customer.id !== existing.id) {
      throw conflict(`email ${customer.email} belongs to customer ${existing.id}`);
    }
    return existing;
  }
  return prisma.customer.upsert({
    where: { email: customer.email },
    create: { id: customer.id ?? newId('cus'), email: customer.email, name: customer.name ?? null },
    update: {},
  });
}

/**
 * The customer and the subscription's placeholder row (and, for an asynchronous sign-up, its
 * pending start). Without a billing profile, one statement writes them all; with one, the profile
 * is stored (and sent to the customer's running subscriptions) before the new row exists, so the
 * new subscription takes it from its start instead.
 */
async function writeRows(deps: ApiDeps, body: CreateSubscriptionBody, id: string, workflowId: string, pendingStart: PendingStart | undefined) {
  const { prisma } = deps;
  if (!body.customer.billingProfile) {
    const rows = await insertSignUpRows(prisma, {
      customerId: body.customer.id ?? newId('cus'),
      email: body.customer.email,
      name: body.customer.name ?? null,
      subscriptionId: id,
      workflowId,
      planCode: body.plan,
      paymentMethod: body.paymentMethod,
      ...(pendingStart ? { pendingStart } : {}),
    });
    if (rows) {
      return { customer: rows.customer, profile: billingProfileOf(rows.customer), inserted: rows.inserted };
    }
  }
  const customer = await upsertCustomer(deps, body.customer);
  const profile = body.customer.billingProfile ? await writeBillingProfile(prisma, customer.id, body.customer.billingProfile) : billingProfileOf(customer);
  if (body.customer.billingProfile && profile) await sendBillingProfile(deps, customer.id, profile);
  const subscriptionRow = prisma.subscription.createMany({
    data: [{ id, workflowId, customerId: customer.id, planCode: body.plan, status: 'incomplete', paymentMethod: body.paymentMethod }],
    skipDuplicates: true,
  });
  const [inserted] = pendingStart ? await prisma.$transaction([subscriptionRow, insertPendingStart(prisma, id, pendingStart)]) : [await subscriptionRow];
  return { customer, profile, inserted: inserted.count === 1 };
}

/**
 * Without `respondAsync`, answers once the subscription has opened (its first charge or trial);
 * with it, once its workflow has started, and the outcome follows by polling and webhooks.
 */
export async function createSubscription(deps: ApiDeps, body: CreateSubscriptionBody): Promise<CreateResult>;
export async function createSubscription(deps: ApiDeps, body: CreateSubscriptionBody, options: { respondAsync: boolean }): Promise<CreateOutcome>;
export async function createSubscription(deps: ApiDeps, body: CreateSubscriptionBody, options = { respondAsync: false }): Promise<CreateOutcome> {
  const { prisma } = deps;
  const id = body.id ?? newId('sub');
  // The plan from the API's cache (emptied on every catalogue change), the rest in one raw
  // statement: every sign-up pays for them before its answer.
  const [planRow, { existing, emailOwner }] = await Promise.all([
    cachedRead(deps.readCache, 'Plan', `code ${body.plan}`, () => prisma.plan.findUnique({ where: { code: body.plan } })),
    readSignUpPriors(prisma, id, body.customer.email),
  ]);
  if (!planRow) throw invalid([{ field: 'plan', message: `unknown plan "${body.plan}"` }]);
  // Archived: subscriptions already on it renew on their snapshot, but nobody new takes it.
  if (!planRow.active) throw conflict(`plan ${planRow.code} is archived: it is no longer offered to new subscriptions`);

  if (existing && (existing.planCode !== body.plan || existing.paymentMethod !== body.paymentMethod)) {
    throw conflict(`subscription ${id} already exists with a different plan or payment method`);
  }
  if (existing) {
    // Checked before the customer is written: a refused request must leave no row behind.
    const sameCustomer = existing.customerEmail === body.customer.email && (!body.customer.id || body.customer.id === existing.customerId);
    if (!sameCustomer) throw conflict(`subscription ${id} belongs to another customer`);
  }
  if (emailOwner && body.customer.id && body.customer.id !== emailOwner) {
    throw conflict(`email ${body.customer.email} belongs to customer ${emailOwner}`);
  }
  const plan = toPlanSnapshot(planRow);
  // Priced and checked before anything is written: a refused package leaves no row behind.
  const at = await deps.clock();
  const items = await priceItems(deps, body, plan, at);
  // A repeated request does not redeem its coupon again.
  if (body.coupon && !existing) {
    try {
      return await withRedemption(prisma, body.coupon, { planCode: plan.code, at }, () => start(deps, body, id, plan, items, options));
    } catch (error) {
      // Taken by someone else since it was checked (its last redemption, an archive): said of the field.
      throw error instanceof CouponRefused ? couponField(error, 'coupon') : error;
    }
  }
  return start(deps, body, id, plan, items, options);
}

/**
 * Writes the customer and the subscription's row, then starts its workflow (or attaches to it);
 * asynchronously, leaves the start to the outbox's dispatcher.
 */
async function start(
  deps: ApiDeps,
  body: CreateSubscriptionBody,
  id: string,
  plan: PlanSnapshot,
  items: PackageItems | undefined,
  options: { respondAsync: boolean },
): Promise<CreateOutcome> {
  const { temporal, taskQueue } = deps;
  const workflowId = subscriptionWorkflowId(id);
  const pending: PendingStart = {
    plan,
    paymentMethod: body.paymentMethod,
    ...(body.trialDays !== undefined ? { trialDays: body.trialDays } : {}),
    ...(body.timeZone ? { timeZone: body.timeZone } : {}),
    policy: deps.policy,
    rules: RULES_VERSION,
    ...(items ? { items } : {}),
  };
  const { customer, profile, inserted } = await writeRows(deps, body, id, workflowId, options.respondAsync ? pending : undefined);
  if (options.respondAsync) {
    deps.signUpStarts.kick();
    const accepted: AcceptedSubscription = { id, customerId: customer.id, plan: body.plan, status: 'incomplete', href: `/subscriptions/${id}` };
    return { created: inserted, accepted };
  }

  const start: SubscriptionStart = {
    subscriptionId: id,
    customer: { id: customer.id, email: customer.email, name: customer.name, billing: profile },
    ...pending,
  };
  try {
    // The opening charges a card: it gets a command's deadline, and a repeat of the request attaches to it.
    const subscription = await withCommandDeadline(deps, () =>
      temporal.workflow.executeUpdateWithStart(awaitOpening, {
        startWorkflowOperation: new WithStartWorkflowOperation<SubscriptionWorkflow>(WORKFLOW_TYPES.subscription, subscriptionStartOptions(start, taskQueue)),
      }),
    );
    return { created: inserted, subscription };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return { created: false, subscription: await getSubscriptionView(deps, id) };
  }
}

/** The workflow's own answer: a repeated create or an accepted quote shows the subscription as it is now. */
export async function getSubscriptionView(deps: ApiDeps, id: string): Promise<SubscriptionView> {
  return (await readSubscriptionView(deps, id, 'strong')).view;
}
