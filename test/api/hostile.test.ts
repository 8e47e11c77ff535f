import type { Server } from 'node:http';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import fc from 'fast-check';
import request from 'supertest';
import type { Harness } from '../support/harness';
import { eventually, rawTestApp, settled, startHarness } from '../support/harness';
import { ENDPOINTS, type HostileRequest, TARGET, withHostileHeaders } from '../support/hostile-requests';

/** At least 1,000 requests in all, spread evenly over the endpoints. */
const RUNS_PER_ENDPOINT = Math.ceil(1_000 / ENDPOINTS.length);

let h: Harness;
let server: Server;
/** Workflows the API asked Temporal to start (or signal-with-start), by id. */
const started: string[] = [];

/** The test server cannot list workflows: the API's own client reports every start instead. */
const recordStarts: WorkflowClientInterceptor = {
  async startWithDetails(input, next) {
    started.push(input.options.workflowId);
    return next(input);
  },
  async start(input, next) {
    started.push(input.options.workflowId);
    return next(input);
  },
  async signalWithStart(input, next) {
    started.push(input.options.workflowId);
    return next(input);
  },
  async startUpdateWithStart(input, next) {
    started.push(input.workflowStartOptions.workflowId);
    return next(input);
  },
};

beforeAll(async () => {
  h = await startHarness();
  const temporal = new Client({ connection: h.env.connection, namespace: h.env.namespace ?? 'default', interceptors: { workflow: [recordStarts] } });
  // One listening server instead of one per request: a thousand requests stay fast.
  server = rawTestApp(h, { temporal }).listen(0);
  const created = await request(server)
    .post('/subscriptions')
    .set('authorization', `Bearer ${h.adminKey}`)
    .send({ id: TARGET, customer: { email: 'target@example.com' }, plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  expect(created.status).toBe(201);
  expect(started).toEqual([`subscription-${TARGET}`]);
  await settled(h, `subscription-${TARGET}`);
  // The receipt's delivery stores the invoice's PDF: done before the row counts are taken.
  await eventually(() => h.db.prisma.emailMessage.count({ where: { status: 'pending' } }), (pending) => pending === 0, 'emails sent');
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await h?.teardown();
});

/** Rows in every table of the schema but the audit log, where every refusal by a known key is recorded. */
async function rowCounts(): Promise<Record<string, number>> {
  const tables = await h.db.prisma.$queryRaw<Array<{ name: string }>>`
    SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'AuditEvent') ORDER BY tablename`;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await h.db.prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row!.n);
  }
  return counts;
}

/** Events in the existing subscription's history: an accepted update or a signal would add some. */
async function targetHistoryLength(): Promise<number> {
  const history = await h.env.client.workflow.getHandle(`subscription-${TARGET}`).fetchHistory();
  return history.events?.length ?? 0;
}

function send(r: HostileRequest): request.Test {
  let req = request(server)[r.method](r.query ? `${r.path}?${r.query}` : r.path);
  if (r.auth === 'admin') req = req.set('authorization', `Bearer ${h.adminKey}`);
  if (typeof r.auth === 'object') req = req.set('authorization', r.auth.header);
  if (r.idempotencyKey !== undefined) req = req.set('idempotency-key', r.idempotencyKey);
  if (r.body?.kind === 'json') req = req.set('content-type', 'application/json').send(JSON.stringify(r.body.value));
  if (r.body?.kind === 'raw') req = req.set('content-type', r.body.contentType).send(r.body.text);
  return req;
}

test(`${RUNS_PER_ENDPOINT} malformed requests to each of ${ENDPOINTS.length} endpoints: no 5xx, every change refused, no row written, no workflow started`, async () => {
  const rowsBefore = await rowCounts();
  const auditedBefore = await h.db.prisma.auditEvent.count();
  const historyBefore = await targetHistoryLength();
  const startsBefore = started.length;
  const endpoints = new Set<string>();
  let sent = 0;

  for (const endpoint of ENDPOINTS) {
    await fc.assert(
      fc.asyncProperty(withHostileHeaders(endpoint), async (r) => {
        const res = await send(r);
        endpoints.add(r.endpoint);
        sent += 1;
        const seen = { status: res.status, type: res.headers['content-type'], body: res.body };
        if (res.status >= 500) throw new Error(`5xx: ${JSON.stringify(seen)}`);
        if (r.method !== 'get' && res.status < 400) throw new Error(`a malformed ${r.method.toUpperCase()} was accepted: ${JSON.stringify(seen)}`);
        if (res.status >= 400 && !/^application\/problem\+json/.test(String(seen.type))) throw new Error(`not a problem: ${JSON.stringify(seen)}`);
      }),
      { numRuns: RUNS_PER_ENDPOINT },
    );
  }

  expect(endpoints.size).toBe(ENDPOINTS.length);
  expect(sent).toBeGreaterThanOrEqual(1_000);
  expect(await rowCounts()).toEqual(rowsBefore);
  // The refusals were audited (written after each answer, so some may still be on their way), and
  // nothing else: no entry says a change went through.
  const audited = await h.db.prisma.auditEvent.findMany({ orderBy: [{ at: 'asc' }, { id: 'asc' }], skip: auditedBefore });
  expect(audited.length).toBeGreaterThan(0);
  expect(audited.filter((entry) => entry.outcome < 400)).toEqual([]);
  expect(started.slice(startsBefore)).toEqual([]);
  expect(await targetHistoryLength()).toBe(historyBefore);
});
