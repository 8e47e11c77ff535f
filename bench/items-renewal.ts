// Renewal of one big subscription: a plan and nine add-ons (recurring and metered, ten items),
// 1,000 usage events recorded through the API each period, periods run on Temporal's
// time-skipping server with the production workflow and activities. It measures what a period
// of such a customer costs: wall time per renewal cycle and history events per period.
import request from 'supertest';
import { subscriptionWorkflowId } from '../domain/subscription';
import { throwawayDatabase } from '../simulator/database';
import { environmentApp, startEnvironment } from '../simulator/environment';
import { fetchRunChain } from '../simulator/histories';
import { eachLimited } from './support/api';
import { median, periodsBetweenCharges } from './support/history';
import { fixed, seconds, type BenchResult } from './support/report';
import { intSetting } from './support/settings';

const SUBSCRIPTION_ID = 'bench-items';
const PLAN = 'pro-monthly';
const CONCURRENT_REQUESTS = 10;
const DAY_MS = 86_400_000;
/** Recurring add-ons the seed does not have, made through the catalogue API to reach ten items. */
const EXTRA_ADD_ONS = Array.from({ length: 5 }, (_, i) => `bench-extra-${i + 1}`);
/** The seeded add-ons the subscription holds, with their quantities. */
const SEEDED_ADD_ONS: Array<[code: string, quantity: number]> = [
  ['extra-seat', 3],
  ['extra-storage', 2],
  ['api-calls', 1],
  ['active-users', 1],
];

const log = (message: string) => console.error(`[bench:items] ${message}`);

function expectStatus(res: request.Response, statuses: number[], what: string): void {
  if (!statuses.includes(res.status)) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The `index`th usage event of `period`: four in five are API calls, the rest logins of 40 users. */
function usageEvent(period: number, index: number) {
  const eventId = `p${period}-e${index}`;
  return index % 5 === 4
    ? { metric: 'active_users', quantity: 1, eventId, properties: { user: `u${index % 40}` } }
    : { metric: 'api_calls', quantity: 10, mode: 'increment', eventId };
}

export async function itemsRenewal(): Promise<BenchResult> {
  const periods = intSetting('BENCH_ITEMS_PERIODS', 6);
  const eventsPerPeriod = intSetting('BENCH_ITEMS_USAGE_EVENTS', 1000);
  const h = await startEnvironment({ database: throwawayDatabase });
  try {
    const app = environmentApp(h);
    for (const code of EXTRA_ADD_ONS) {
      const res = await request(app)
        .post('/add-ons')
        .send({ code, name: `Bench extra ${code.slice(-1)}`, kind: 'recurring', prices: { EUR: 100, NOK: 1_000 } });
      expectStatus(res, [201], `creating add-on ${code}`);
    }
    const created = await request(app)
      .post('/subscriptions')
      .send({ id: SUBSCRIPTION_ID, customer: { email: 'bench-items@example.com', name: 'Bench items' }, plan: PLAN, paymentMethod: 'pm_card_visa' });
    expectStatus(created, [200, 201], 'creating the subscription');
    const items: Array<[string, number]> = [...SEEDED_ADD_ONS, ...EXTRA_ADD_ONS.map((code): [string, number] => [code, 1])];
    for (const [code, quantity] of items) {
      expectStatus(await request(app).post(`/subscriptions/${SUBSCRIPTION_ID}/add-ons`).send({ code, quantity }), [200], `adding ${code}`);
    }
    log(`${items.length + 1} items; ${periods} periods of ${eventsPerPeriod} usage events`);

    let recordingMs = 0;
    let renewingMs = 0;
    for (let period = 0; period < periods; period++) {
      const recordingStarted = Date.now();
      await eachLimited(
        Array.from({ length: eventsPerPeriod }, (_, index) => index),
        CONCURRENT_REQUESTS,
        async (index) => {
          expectStatus(await request(app).post(`/subscriptions/${SUBSCRIPTION_ID}/usage`).send(usageEvent(period, index)), [202], `usage event ${index} of period ${period}`);
        },
      );
      recordingMs += Date.now() - recordingStarted;
      // A month and a day: past the renewal and its grace window for late usage.
      const renewingStarted = Date.now();
      await h.env.sleep(31 * DAY_MS);
      renewingMs += Date.now() - renewingStarted;
    }
    const renewals = await h.db.prisma.invoice.count({ where: { subscriptionId: SUBSCRIPTION_ID, status: 'paid', periodIndex: { gte: 1 } } });
    if (renewals < periods) throw new Error(`${periods} periods ran, ${renewals} renewals were paid`);
    const last = await h.db.prisma.invoice.findFirst({ where: { subscriptionId: SUBSCRIPTION_ID }, orderBy: { periodIndex: 'desc' }, include: { lines: true } });

    const runs = (await fetchRunChain(h.env.client.workflow, subscriptionWorkflowId(SUBSCRIPTION_ID))).map((run) => run.history);
    const shapes = periodsBetweenCharges(runs);
    if (shapes.length === 0) throw new Error('no complete period in the history: raise BENCH_ITEMS_PERIODS');
    const totalMs = recordingMs + renewingMs;
    return {
      title: `Renewal of a subscription with ${items.length + 1} items and ${eventsPerPeriod} usage events a period (time skipping)`,
      rows: [
        ['items (plan + add-ons, 2 of them metered)', String(items.length + 1)],
        ['periods run / renewals paid', `${periods} / ${renewals}`],
        ['invoice lines on the last renewal', String(last?.lines.length ?? 0)],
        ['usage events recorded (through the API)', `${periods * eventsPerPeriod} in ${seconds(recordingMs)} (${fixed((periods * eventsPerPeriod) / (recordingMs / 1000), 0)}/s)`],
        ['renewal cycles/s (clock moved a period, usage priced, invoice charged)', fixed(periods / (renewingMs / 1000), 2)],
        ['periods/s including recording the usage', fixed(periods / (totalMs / 1000), 3)],
        ['history events per period (median)', String(median(shapes.map((shape) => shape.events)))],
        ['history bytes per period (median)', String(median(shapes.map((shape) => shape.bytes)))],
        ['workflow runs (continue-as-new)', String(runs.length)],
      ],
      notes: [
        `${PLAN} with extra-seat × 3, extra-storage × 2, the metered api-calls (graduated) and active-users (volume), and ${EXTRA_ADD_ONS.length} recurring add-ons made through POST /add-ons.`,
        'Each usage event is stored in the database only: no upsell rule asks about the metered metrics, so no event reaches the workflow; the renewal prices the period from the stored events.',
        'One process: the API through supertest, the worker and a throwaway PostgreSQL, on the time-skipping server. History figures are periods between two charges, the first and last left out.',
      ],
    };
  } finally {
    await h.teardown();
  }
}
