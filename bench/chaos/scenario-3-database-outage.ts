// Scenario 3: PostgreSQL is unreachable for 30 s (every connection cut, new ones refused) while
// subscriptions renew and clients call the API. Activities must retry with backoff and finish
// after recovery; the API must answer 503 with Retry-After (never 500) to what needs the database,
// keep serving reads that need only Temporal, and nothing may be lost.
import { setTimeout as sleep } from 'node:timers/promises';
import { eachLimited, postJson, subscriptionBody, apiHeaders, type ApiTarget } from '../support/api';
import { seconds } from '../support/report';
import { intSetting } from '../support/settings';
import { checkBilling } from './support/checks';
import type { ChaosEnvironment } from './support/environment';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { endAll, subscriptionIds, waitCaughtUp } from './support/subscriptions';


interface Answer {
  status: number;
  retryAfter: string | null;
}

async function call(api: ApiTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Answer> {
  try {
    const res = await fetch(`${api.url}${path}`, { method, headers: apiHeaders(api), ...(body ? { body: JSON.stringify(body) } : {}) });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  } catch {
    return { status: 0, retryAfter: null };
  }
}

/** The answers of one kind of request during the outage, e.g. "10 × 503 (Retry-After 5)". */
function tally(answers: readonly Answer[]): string {
  const counts = new Map<string, number>();
  for (const { status, retryAfter } of answers) {
    const label = status === 0 ? 'no answer' : `${status}${retryAfter ? ` (Retry-After ${retryAfter})` : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts.entries()].map(([label, count]) => `${count} × ${label}`).join(', ');
}

export async function databaseOutage(env: ChaosEnvironment): Promise<ScenarioOutcome> {
  const outageMs = intSetting('CHAOS_OUTAGE_SECONDS', 30) * 1000;
  const ids = subscriptionIds('dbdown', intSetting('CHAOS_OUTAGE_SUBSCRIPTIONS', 8));
  const worker = await env.startWorker('worker');
  const api = await env.startApi();
  await eachLimited(ids, 4, async (id) => {
    await postJson(api, '/subscriptions', subscriptionBody(id, env.plan.code));
  });
  await sleep(env.plan.periodMs);

  const writes: Answer[] = [];
  const temporalReads: Answer[] = [];
  const databaseReads: Answer[] = [];
  const refusedIds: string[] = [];
  await env.database.down();
  const downAt = Date.now();
  for (let probe = 0; Date.now() - downAt < outageMs; probe += 1) {
    const id = `dbdown-late-${String(probe).padStart(3, '0')}`;
    const write = await call(api, 'POST', '/subscriptions', subscriptionBody(id, env.plan.code));
    writes.push(write);
    if (write.status >= 500 || write.status === 0) refusedIds.push(id);
    temporalReads.push(await call(api, 'GET', `/subscriptions/${ids[probe % ids.length]}`));
    databaseReads.push(await call(api, 'GET', '/plans'));
    await sleep(2000);
  }
  await env.database.up();
  const upAt = Date.now();

  // A well-behaved client retries each refused write after Retry-After.
  const late: string[] = [];
  const stillRefused: string[] = [];
  await eachLimited(refusedIds, 4, async (id) => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const answer = await call(api, 'POST', '/subscriptions', subscriptionBody(id, env.plan.code));
      if (answer.status === 200 || answer.status === 201) {
        late.push(id);
        return;
      }
      await sleep(Number(answer.retryAfter ?? 5) * 1000);
    }
    stillRefused.push(id);
  });

  const all = [...ids, ...late];
  const behind = await waitCaughtUp(env, all);
  const recoveredMs = Date.now() - upAt;
  const ended = await endAll(env, all);
  await Promise.all([worker.stop(), api.service.stop()]);
  const figures = await checkBilling(env.stack.prisma, ended, env.peer.received);

  // Periods that fell due while the database was down, billed after it came back.
  const dueDuringOutage = await env.stack.prisma.invoice.count({
    where: { subscriptionId: { in: ids }, periodStart: { gte: new Date(downAt), lt: new Date(upAt) } },
  });
  const wrongWrites = writes.filter((w) => w.status !== 503 || !w.retryAfter).length;
  const wrongReads = databaseReads.filter((r) => r.status !== 503 || !r.retryAfter).length;
  const unservedReads = temporalReads.filter((r) => r.status !== 200).length;
  return outcome(`3. Database unreachable for ${outageMs / 1000} s`, `${writes.length} API writes, ${ids.length} renewing subscriptions`, figures, {
    rows: [
      ['POST /subscriptions during the outage', tally(writes)],
      ['GET /plans during the outage (needs the database)', tally(databaseReads)],
      ['GET /subscriptions/:id during the outage (Temporal only)', tally(temporalReads)],
      ['refused writes accepted when retried after recovery', `${late.length} of ${refusedIds.length}`],
      ['periods due during the outage, billed after it', String(dueDuringOutage)],
      ['all subscriptions caught up after recovery in', seconds(recoveredMs)],
    ],
    notes: [
      'The worker and the API reach PostgreSQL through a TCP proxy that the runner switches off: open connections are cut, new ones refused.',
      'Activities (local and remote) retry with backoff from 1 s, doubling, capped at 1 min; emails from 10 s, capped at 10 min.',
    ],
    failures: [
      ...(wrongWrites > 0 ? [`${wrongWrites} writes not answered 503 with Retry-After`] : []),
      ...(wrongReads > 0 ? [`${wrongReads} database reads not answered 503 with Retry-After`] : []),
      ...(unservedReads > 0 ? [`${unservedReads} Temporal reads not served`] : []),
      ...(stillRefused.length > 0 ? [`${stillRefused.length} writes still refused after recovery`] : []),
      ...(behind.length > 0 ? [`${behind.length} subscriptions never caught up`] : []),
    ],
  });
}
