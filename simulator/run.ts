// Runs a scenario against the real engine on the time-skipping test server: the subscription is
// created and driven through the API, time jumps from event to event, and the timeline is read
// back from the database at the end.
import request from 'supertest';
import type { Express } from 'express';
import type { SubscriptionPolicy } from '../domain/subscription';
import { DEFAULT_POLICY, subscriptionWorkflowId } from '../domain/subscription';
import { throwawayDatabase } from './database';
import type { Harness } from './environment';
import { environmentApp, settled, startEnvironment } from './environment';
import type { Scenario, ScenarioEvent } from './scenario';
import { ScenarioError } from './scenario';
import type { Timeline } from './timeline';
import { readTimeline } from './timeline';

const SUBSCRIPTION_ID = 'simulated';

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
      return post('/usage', { metric: event.metric, quantity: event.quantity, mode: event.mode ?? 'set' });
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
  }
}

export interface SimulationOptions {
  /** Called after each step, for progress output. */
  onStep?: (message: string) => void;
  /** Called once the scenario has run, before the environment is torn down (e.g. to export histories). */
  onFinish?: (h: Harness, workflowId: string) => Promise<void>;
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
        .send({ ...subscription, ...(scenario.trialDays !== undefined ? { trialDays: scenario.trialDays } : {}) });
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

export async function simulate(scenario: Scenario, options: SimulationOptions = {}): Promise<Timeline> {
  const h = await startEnvironment({ database: throwawayDatabase });
  const workflowId = subscriptionWorkflowId(SUBSCRIPTION_ID);
  try {
    const clock = await h.env.currentTimeMs();
    if (new Date(scenario.start).getTime() < clock) {
      throw new ScenarioError(`start: must not be before the simulation clock (${new Date(clock).toISOString()})`);
    }
    const app = environmentApp(h, policyOf(scenario));
    await advanceTo(h, scenario.start);
    const opened = await open(app, scenario);
    if (opened.status >= 400) {
      throw new ScenarioError(opened.errors.map((e) => `${e.field}: ${e.message}`).join('\n') || opened.detail);
    }
    options.onStep?.(`${scenario.start} ${opened.summary}`);

    const commands: Timeline['commands'] = [];
    for (const event of scenario.events) {
      await advanceTo(h, event.at);
      await settled(h, workflowId);
      const res = await send(app, event);
      const detail = res.status >= 400 ? String(res.body.detail ?? '') : undefined;
      commands.push({ at: event.at, type: event.type, status: res.status, ...(detail ? { detail } : {}) });
      options.onStep?.(`${event.at} ${event.type}: ${res.status}${detail ? ` (${detail})` : ''}`);
    }
    await advanceTo(h, scenario.until);
    await settled(h, workflowId);
    await options.onFinish?.(h, workflowId);
    return { ...(await readTimeline(h.db.prisma, SUBSCRIPTION_ID)), commands };
  } finally {
    await h.teardown();
  }
}
