// Runs a scenario against the real engine on the time-skipping test server: the subscription is
// created and driven through the API, time jumps from event to event, and the timeline is read
// back from the database at the end. After every step the subscription's workflow must be healthy
// (simulator/health.ts); when it is not, or the API answers 5xx or not at all, the simulation stops
// with a SimulationError that names the step and carries the timeline so far.
import request from 'supertest';
import type { Express } from 'express';
import type { SubscriptionPolicy } from '../domain/subscription';
import { DEFAULT_POLICY, subscriptionWorkflowId } from '../domain/subscription';
import { throwawayDatabase } from './database';
import type { Harness, HarnessOptions } from './environment';
import { environmentApp, startEnvironment } from './environment';
import type { SimulationFailure, SimulationStep } from './failure';
import { describeStage, SimulationError } from './failure';
import { lastUpdateFailure, watchWorkflow } from './health';
import type { Scenario, ScenarioEvent } from './scenario';
import { ScenarioError } from './scenario';
import type { TimeFrame } from './time-frame';
import { timeFrame } from './time-frame';
import type { AnsweredCommand, Timeline, UnansweredCommand } from './timeline';
import { readTimeline } from './timeline';

const SUBSCRIPTION_ID = 'simulated';
/** A delivery id no delivery has: skipping it is answered 404, as an unknown delivery is. */
const NO_DELIVERY = '00000000-0000-4000-8000-000000000000';

function policyOf(scenario: Scenario): SubscriptionPolicy {
  const p = scenario.policy ?? {};
  return {
    ...DEFAULT_POLICY,
    dunning: {
      retryDelaysDays: p.dunningRetryDays ?? DEFAULT_POLICY.dunning.retryDelaysDays,
      finalAction: p.dunningFinalAction ?? DEFAULT_POLICY.dunning.finalAction,
    },
    trialReminderDays: p.trialReminderDays ?? DEFAULT_POLICY.trialReminderDays,
  };
}

async function advanceTo(h: Harness, iso: string): Promise<void> {
  const delta = new Date(iso).getTime() - (await h.env.currentTimeMs());
  if (delta > 0) await h.env.sleep(delta);
}

/** The API call each event type stands for. */
async function send(app: Express, event: ScenarioEvent): Promise<request.Response> {
  const base = `/subscriptions/${SUBSCRIPTION_ID}`;
  const post = (path: string, body: object = {}) => request(app).post(`${base}${path}`).send(body);
  const openOffer = async () => ((await request(app).get(base)).body as { offer?: { id: string } | null }).offer?.id ?? 'OFR-none-0000';
  switch (event.type) {
    case 'changePlan':
      return post('/plan', { plan: event.plan, ...(event.when ? { when: event.when } : {}) });
    case 'cancel':
      return post('/cancel', { when: event.when ?? 'period_end', refund: event.refund ?? 'none' });
    case 'uncancel':
      return post('/uncancel');
    case 'pause':
      return post('/pause', { when: event.when ?? 'now', ...(event.periods ? { periods: event.periods } : {}) });
    case 'resume':
      return post('/resume', { billingAnchor: event.billingAnchor ?? 'now' });
    case 'updatePaymentMethod':
      return post('/payment-method', { paymentMethod: event.paymentMethod });
    case 'usage':
      return post('/usage', {
        metric: event.metric,
        quantity: event.quantity,
        mode: event.mode ?? 'set',
        ...(event.eventId ? { eventId: event.eventId } : {}),
        ...(event.occurredAt ? { occurredAt: event.occurredAt } : {}),
        ...(event.properties ? { properties: event.properties } : {}),
      });
    case 'acceptOffer':
      return post(`/offers/${event.offerId ?? (await openOffer())}/accept`);
    case 'declineOffer':
      return post(`/offers/${event.offerId ?? (await openOffer())}/decline`);
    case 'addAddOn':
      return post('/add-ons', { code: event.code, quantity: event.quantity });
    case 'removeAddOn':
      return request(app).delete(`${base}/add-ons/${encodeURIComponent(event.code)}`);
    case 'applyCoupon':
      return post('/coupon', { code: event.code });
    case 'addCustomLine': {
      const { at: _at, type: _type, ...line } = event;
      return post('/custom-lines', line);
    }
    case 'changePrice':
      return request(app).post(`/plans/${encodeURIComponent(event.plan)}/prices`).send({ amountCents: event.amountCents });
    case 'migratePlan': {
      const plan = `/plans/${encodeURIComponent(event.plan)}`;
      // The same plan with no version named: its current price version, as the scenario format says.
      const sameWithoutVersion = (event.toPlan === undefined || event.toPlan === event.plan) && event.toVersion === undefined;
      const toVersion = sameWithoutVersion ? ((await request(app).get(plan)).body as { priceVersion?: number }).priceVersion ?? 1 : event.toVersion;
      return request(app)
        .post(`${plan}/migrations`)
        .send({ ...(event.toPlan ? { toPlan: event.toPlan } : {}), ...(toVersion !== undefined ? { toVersion } : {}) });
    }
    case 'archivePlan':
      return request(app).post(`/plans/${encodeURIComponent(event.plan)}/archive`);
    case 'skipDelivery': {
      const listed = (await request(app).get(`${base}/deliveries`)).body as { deliveries?: Array<{ id: string; status: string; final: boolean }> };
      // The list is newest first: the next one to ship is the last still open (before its cut-off).
      const scheduled = (listed.deliveries ?? []).filter((delivery) => delivery.status === 'scheduled');
      // None open: the newest, past its cut-off, so the answer says why; none at all: answered as
      // the API answers a delivery it does not know.
      const next = scheduled.filter((delivery) => !delivery.final).at(-1) ?? scheduled[0];
      return post(`/deliveries/${next?.id ?? NO_DELIVERY}/skip`);
    }
    case 'changeDeliveryAddress':
      return request(app).put(`${base}/delivery-address`).send({ address: event.address });
    case 'settlePayment': {
      const pending = ((await request(app).get(base)).body as { pendingPayment?: { chargeId: string } | null }).pendingPayment;
      // Nothing in flight: answered as the API answers a charge it does not know.
      if (!pending) return request(app).post('/sandbox/charges/ch_none/settle').set('Accept', 'application/json');
      return request(app).post(`/sandbox/charges/${pending.chargeId}/settle?outcome=${event.outcome}`).set('Accept', 'application/json');
    }
  }
}

/** The customer's entitlements as the business's own app would read them, or why they could not be read. */
async function readEntitlements(h: Harness, app: Express): Promise<NonNullable<Timeline['entitlements']>> {
  const row = await h.db.prisma.subscription.findUnique({ where: { id: SUBSCRIPTION_ID }, select: { customerId: true } });
  if (!row) throw new Error(`subscription ${SUBSCRIPTION_ID} is not in the database`);
  const res = await request(app).get(`/customers/${encodeURIComponent(row.customerId)}/entitlements`);
  if (res.status !== 200) throw new Error(`GET /customers/${row.customerId}/entitlements answered ${res.status}: ${String(res.body.detail ?? '')}`);
  const body = res.body as { features: string[]; limits: Record<string, number> };
  return { features: body.features, limits: body.limits };
}

interface Opened {
  status: number;
  /** Field errors of a refused request, named as the scenario names them. */
  errors: Array<{ field: string; message: string }>;
  detail: string;
  /** What happened, for the progress line. */
  summary: string;
}

/** Creates the scenario's subscription, or imports it when it is paid until `currentPeriodEnd`. */
async function open(app: Express, scenario: Scenario): Promise<Opened> {
  const subscription = { id: SUBSCRIPTION_ID, customer: scenario.customer, plan: scenario.plan, paymentMethod: scenario.paymentMethod, timeZone: scenario.timeZone };
  const res = scenario.currentPeriodEnd
    ? await request(app)
        .post('/subscriptions/imports')
        .send({ subscriptions: [{ ...subscription, currentPeriodEnd: scenario.currentPeriodEnd }] })
    : await request(app)
        .post('/subscriptions')
        .send({
          ...subscription,
          ...(scenario.trialDays !== undefined ? { trialDays: scenario.trialDays } : {}),
          ...(scenario.addOns ? { addOns: scenario.addOns } : {}),
          ...(scenario.customLines ? { customLines: scenario.customLines } : {}),
          ...(scenario.coupon ? { coupon: scenario.coupon } : {}),
        });
  const body = res.body as { errors?: Array<{ field: string; message: string }>; detail?: string; status?: unknown };
  return {
    status: res.status,
    // An import names an item's fields by its index: `subscriptions.0.plan` is the scenario's `plan`.
    errors: (body.errors ?? []).map((e) => ({ ...e, field: e.field.replace(/^subscriptions\.0\./, '') })),
    detail: String(body.detail ?? ''),
    summary: scenario.currentPeriodEnd
      ? `imported ${SUBSCRIPTION_ID} on ${scenario.plan}, paid until ${scenario.currentPeriodEnd}`
      : `created ${SUBSCRIPTION_ID} on ${scenario.plan}: ${String(body.status)}`,
  };
}


export interface SimulationOptions {
  /** Called after each step, for progress output. */
  onStep?: (message: string) => void;
  /** Called once the scenario has run, before the environment is torn down (e.g. to export histories). */
  onFinish?: (h: Harness, workflowId: string) => Promise<void>;
  /** The environment's options but its database: a wrapped payment gateway, another workflow bundle (tests inject failures so). */
  environment?: Omit<HarnessOptions, 'database'>;
  /** Where the simulation's database comes from (a pool's, for many simulations); a throwaway one when omitted. */
  database?: HarnessOptions['database'];
  /**
   * An environment already started for this simulation (startSimulationEnvironment), which
   * `simulate` then tears down; without it, `simulate` starts one (the bench times the run apart
   * from the start so).
   */
  harness?: Harness;
  /**
   * Real time one event's request may take before the simulation gives up on it: less than the
   * 60 s the API gives a command itself, so that a hung command is reported as unanswered rather
   * than as the API's 503.
   */
  requestTimeoutMs?: number;
  /** Real time the workflow may take to settle once the clock has moved (as `settled` in environment.ts). */
  settleTimeoutMs?: number;
  /** Real time moving the clock from one event to the next may take (years of renewals take seconds). */
  advanceTimeoutMs?: number;
}

const DEFAULTS = { requestTimeoutMs: 50_000, settleTimeoutMs: 30_000, advanceTimeoutMs: 600_000 };

/** Why a step failed; becomes the SimulationFailure once the stage is known. */
interface StepFailure {
  reason: string;
  runId: string | null;
  at: string | null;
}

/** Where the simulation is: sending `event`, or on the way from `event` to `next`. */
type Position = Pick<SimulationFailure, 'stage' | 'event' | 'next'>;

/** The environment one simulation runs on: a time-skipping server, worker, database and SMTP server of its own. */
export function startSimulationEnvironment(options: Pick<SimulationOptions, 'environment' | 'database'> = {}): Promise<Harness> {
  return startEnvironment({ pooledSmtp: true, ...options.environment, database: options.database ?? throwawayDatabase });
}

/**
 * Runs `scenario` on a fresh environment. Resolves with the timeline; rejects with a ScenarioError
 * when the scenario cannot run (exit code 2 of `npm run simulate`), and with a SimulationError
 * when the engine failed under it (exit code 1). A scenario set before the clock runs in a later
 * 400-year cycle and is reported in its own years (simulator/time-frame.ts).
 */
export async function simulate(scenario: Scenario, options: SimulationOptions = {}): Promise<Timeline> {
  const h = options.harness ?? (await startSimulationEnvironment(options));
  let frame: TimeFrame;
  try {
    frame = timeFrame(scenario, await h.env.currentTimeMs());
  } catch (error) {
    await h.teardown();
    throw error;
  }
  const onStep = options.onStep;
  try {
    return frame.back(await runScenario(frame.scenario, { ...options, harness: h, onStep: onStep && ((message) => onStep(frame.back(message))) }));
  } catch (error) {
    if (error instanceof SimulationError) throw new SimulationError(frame.back(error.timeline));
    if (error instanceof ScenarioError) throw new ScenarioError(frame.back(error.message));
    throw error;
  }
}

/** `simulate` in the frame the scenario runs in, on the environment it was given. */
async function runScenario(scenario: Scenario, options: SimulationOptions & { harness: Harness }): Promise<Timeline> {
  const limits = {
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
    settleTimeoutMs: options.settleTimeoutMs ?? DEFAULTS.settleTimeoutMs,
    advanceTimeoutMs: options.advanceTimeoutMs ?? DEFAULTS.advanceTimeoutMs,
  };
  const h = options.harness;
  const workflowId = subscriptionWorkflowId(SUBSCRIPTION_ID);
  const watch = watchWorkflow(h, workflowId);
  const answered: AnsweredCommand[] = [];
  const steps: SimulationStep[] = scenario.events.map((event, index) => ({ at: event.at, type: event.type, number: index + 1 }));
  const opening: SimulationStep = { at: scenario.start, type: scenario.currentPeriodEnd ? 'import' : 'create' };
  let position: Position | null = { stage: 'sending', event: opening, next: steps[0] ?? null };
  let stopping = false;

  /** Moves the clock to `at` and waits for the workflow to settle there; why not, if it did not. */
  async function moveTo(at: string): Promise<StepFailure | null> {
    const moved = await watch.guard(() => advanceTo(h, at), { timeoutMs: limits.advanceTimeoutMs, what: `moving the clock to ${at}` });
    if (!moved.ok) return givenUp(moved);
    const health = await watch.settle(limits.settleTimeoutMs);
    return health.ok ? null : givenUp(health);
  }

  /** A step given up on: the workflow's health verdict, or the step's own deadline. */
  function givenUp(failure: { reason: string; runId: string | null; at: string | null; timedOut?: boolean }): StepFailure {
    const reason = failure.timedOut ? failure.reason : `workflow ${workflowId}: ${failure.reason}`;
    return { reason: `${reason}${failure.at ? ` (recorded at ${failure.at})` : ''}`, runId: failure.runId, at: failure.at };
  }

  /** A 5xx answer: the engine must never give one to a well-formed command. */
  async function serverError(status: number, detail: string): Promise<StepFailure> {
    const update = await lastUpdateFailure(h, workflowId).catch(() => null);
    const health = await watch.health().catch(() => null);
    return {
      reason: `the API answered ${status}${detail ? ` (${detail})` : ''}${update ? `; the workflow failed the update: ${update}` : ''}`,
      runId: health?.runId ?? null,
      at: null,
    };
  }

  /**
   * Stops the simulation where it is: the event being sent gets `no answer` unless it was
   * answered, every later event `not sent`, and the timeline so far goes with the error.
   */
  async function stop({ stage, event, next }: Position, failure: StepFailure): Promise<never> {
    stopping = true;
    position = null;
    const where = describeStage({ stage, event, next }, scenario.until);
    const error: SimulationFailure = {
      message: `simulation failed ${where}: ${failure.reason}`,
      where,
      reason: failure.reason,
      stage,
      event,
      next,
      failedAt: failure.at,
      workflowId,
      runId: failure.runId,
    };
    const stoppedAt = `the simulation stopped ${where}`;
    // Answers are kept in event order: the event being sent has one when the API gave it (a 5xx).
    const unanswered = stage === 'sending' && event.number !== undefined && answered.length < event.number;
    const commands: Array<AnsweredCommand | UnansweredCommand> = [
      ...answered,
      ...(unanswered ? [{ at: event.at, type: event.type, status: null, outcome: 'no answer' as const, reason: failure.reason }] : []),
      ...(next ? steps.slice(next.number! - 1) : []).map((step): UnansweredCommand => ({ at: step.at, type: step.type, status: null, outcome: 'not sent', reason: stoppedAt })),
    ];
    const records = await readTimeline(h.db.prisma, SUBSCRIPTION_ID).catch((readError: unknown) => {
      error.message += ` (and its records could not be read: ${String(readError)})`;
      return { subscriptionId: SUBSCRIPTION_ID, invoices: [], payments: [], statusChanges: [], emails: [], offers: [], refunds: [] };
    });
    throw new SimulationError({ ...records, commands, error });
  }

  try {
    // Once the simulation stopped, the requests it gave up on fail as they are cancelled, which is no news.
    const app = environmentApp(h, policyOf(scenario), {
      onUnexpectedError: (error) => {
        if (!stopping) console.error(error);
      },
    });
    const started = await moveTo(scenario.start);
    if (started) return await stop(position, started);
    const opened = await watch.guard(() => open(app, scenario), { timeoutMs: limits.requestTimeoutMs, what: `the ${opening.type} request` });
    if (!opened.ok) return await stop(position, givenUp(opened));
    if (opened.value.status >= 500) return await stop(position, await serverError(opened.value.status, opened.value.detail));
    if (opened.value.status >= 400) {
      throw new ScenarioError(opened.value.errors.map((e) => `${e.field}: ${e.message}`).join('\n') || opened.value.detail);
    }
    options.onStep?.(`${scenario.start} ${opened.value.summary}`);

    let previous = opening;
    for (const [index, event] of scenario.events.entries()) {
      const step = steps[index]!;
      const next = steps[index + 1] ?? null;
      position = { stage: 'after', event: previous, next: step };
      const between = await moveTo(event.at);
      if (between) return await stop(position, between);
      position = { stage: 'sending', event: step, next };
      const sent = await watch.guard(() => send(app, event), { timeoutMs: limits.requestTimeoutMs, what: `the ${event.type} request` });
      if (!sent.ok) return await stop(position, givenUp(sent));
      const res = sent.value;
      const detail = res.status >= 400 ? String(res.body.detail ?? '') : undefined;
      answered.push({ at: event.at, type: event.type, status: res.status, ...(detail ? { detail } : {}) });
      options.onStep?.(`${event.at} ${event.type}: ${res.status}${detail ? ` (${detail})` : ''}`);
      if (res.status >= 500) return await stop(position, await serverError(res.status, detail ?? ''));
      previous = step;
    }
    position = { stage: 'after', event: previous, next: null };
    const ended = await moveTo(scenario.until);
    if (ended) return await stop(position, ended);
    const entitlements = await readEntitlements(h, app);
    position = null;
    await options.onFinish?.(h, workflowId);
    return { ...(await readTimeline(h.db.prisma, SUBSCRIPTION_ID)), commands: answered, entitlements };
  } catch (error) {
    // The simulator's own failure (a request that broke, the test server gone) mid-scenario is
    // reported as the engine's are: where it stopped, and every event answered.
    if (error instanceof ScenarioError || error instanceof SimulationError || !position) throw error;
    return await stop(position, { reason: `the simulator failed: ${error instanceof Error ? error.message : String(error)}`, runId: null, at: null });
  } finally {
    // A request or clock move given up on must end before the environment goes.
    await watch.release('the simulation stopped');
    await h.teardown();
  }
}
