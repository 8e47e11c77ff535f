// Scenario 8: scenario 2 on the production path. The real Temporal server (go.temporal.io/server,
// built by scripts/setup-temporal-server.sh) keeps its state in PostgreSQL; two worker processes
// poll it. The server is stopped and started again three times (the middle time a crash), and one
// worker is killed (SIGKILL) just before the last restart and started again once the server is
// back. After every restart each subscription must answer a query again; at the end every workflow
// must still be running, the visibility store (also PostgreSQL) must list them all, and billing
// must be exact: no period billed twice or skipped, no dunning retry lost or repeated.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '../../simulator/history-json';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_TOKENS } from '../../gateway/sandbox-gateway';
import { subscriptionWorkflowId } from '../../domain/subscription';
import { getSubscription } from '../../workflows/contract';
import { eachLimited } from '../support/api';
import { seconds } from '../support/report';
import { intSetting } from '../support/settings';
import { checkBilling } from './support/checks';
import type { ChaosEnvironment } from './support/environment';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { replayAllRuns } from './support/replay-all';
import { startPostgresTemporal } from './support/postgres-temporal';
import { changeCard, endAll, subscribe, subscriptionIds } from './support/subscriptions';

const randomInt = (below: number) => Math.floor(Math.random() * below);
const DECLINES_PER_INVOICE = 2;

/** Time until every subscription answers a query again, and the ones that never did. */
async function allAnswer(env: ChaosEnvironment, ids: readonly string[], timeoutMs: number): Promise<{ ms: number; silent: string[]; errors: string[] }> {
  const started = Date.now();
  const errors = new Set<string>();
  let silent = [...ids];
  while (silent.length > 0 && Date.now() - started < timeoutMs) {
    const still: string[] = [];
    await eachLimited(silent, 8, async (id) => {
      try {
        await env.stack.temporal.workflow.getHandle(subscriptionWorkflowId(id)).query(getSubscription);
      } catch (error) {
        // The client's message ("Failed to query Workflow") hides the server's answer: its cause has it.
        const cause = (error as Error).cause as Error | undefined;
        errors.add([error, cause].filter(Boolean).map((e) => String((e as Error).message ?? e).split('\n')[0]).join(': '));
        still.push(id);
      }
    });
    silent = still;
    if (silent.length > 0) await sleep(200);
  }
  return { ms: Date.now() - started, silent, errors: [...errors] };
}

/** Why the workflow tasks of subscriptions that stopped answering failed, as their histories say. */
async function workflowTaskFailures(env: ChaosEnvironment, ids: readonly string[]): Promise<string[]> {
  const reasons = new Set<string>();
  for (const id of ids) {
    const history = await env.stack.temporal.workflow
      .getHandle(subscriptionWorkflowId(id))
      .fetchHistory()
      .catch(() => null);
    const events = history?.events ?? [];
    const failed = events.filter((event) => event.workflowTaskFailedEventAttributes).pop()?.workflowTaskFailedEventAttributes;
    const timedOut = events.filter((event) => event.workflowTaskTimedOutEventAttributes).length;
    if (failed && history && process.env.CHAOS_HISTORY_DIR) {
      // The history to replay (test/replay) and see which command the replay did not give.
      writeFileSync(path.join(process.env.CHAOS_HISTORY_DIR, `${id}.json`), historyToJSON(history));
    }
    if (failed) reasons.add(`${id}: workflow task failed (${failed.cause ?? '?'}): ${failed.failure?.message ?? ''}`.slice(0, 300));
    else reasons.add(`${id}: no failed workflow task in history; ${timedOut} workflow task timeouts; ${events.length} events`);
  }
  return [...reasons];
}

/** Subscriptions whose workflow is still running (describe reads the persistence database). */
async function running(env: ChaosEnvironment, ids: readonly string[]): Promise<number> {
  let count = 0;
  await eachLimited(ids, 8, async (id) => {
    const description = await env.stack.temporal.workflow
      .getHandle(subscriptionWorkflowId(id))
      .describe()
      .catch(() => null);
    if (description?.status.name === 'RUNNING') count += 1;
  });
  return count;
}

/**
 * Running subscriptions the visibility store lists (it is eventually consistent: polled a while);
 * a query the server refuses lists none.
 */
async function listed(env: ChaosEnvironment, expected: number): Promise<{ count: number; error?: string }> {
  const query = `WorkflowType = 'subscriptionWorkflow' AND ExecutionStatus = 'Running' AND WorkflowId STARTS_WITH '${subscriptionWorkflowId('pgrestart')}'`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const { count } = await env.stack.temporal.workflow.count(query);
      if (count >= expected || Date.now() > deadline) return { count };
    } catch (error) {
      if (Date.now() > deadline) return { count: 0, error: String((error as Error).message ?? error).split('\n')[0] };
    }
    await sleep(500);
  }
}

export async function postgresTemporalRestart(base: ChaosEnvironment, breakSwitch: string | undefined): Promise<ScenarioOutcome> {
  const temporal = await startPostgresTemporal(base.stack.databaseUrl, base.stack.dir);
  const env = base.onTemporal(temporal);
  try {
    const restarts = intSetting('CHAOS_RESTARTS', 3);
    const renewing = subscriptionIds('pgrestart', intSetting('CHAOS_RESTART_SUBSCRIPTIONS', 8));
    const dunning = subscriptionIds('pgrestart-dunning', intSetting('CHAOS_DUNNING_SUBSCRIPTIONS', 4));
    const all = [...renewing, ...dunning];
    const workers = [await env.startWorker('worker 1 (postgres)'), await env.startWorker('worker 2 (postgres)')];
    await subscribe(env, all);
    await changeCard(env, dunning, SANDBOX_TOKENS.failFirst(DECLINES_PER_INVOICE));

    const starts: number[] = [];
    const answers: number[] = [];
    const silent = new Set<string>();
    const errorsSeen = new Set<string>();
    let workerKills = 0;
    for (let restart = 0; restart < restarts; restart += 1) {
      await sleep(2000 + randomInt(env.plan.periodMs));
      env.debug(`postgres restart ${restart + 1}`);
      const crash = restart === 1;
      // The last restart also crashes a worker just before; it comes back once the server does.
      const killWorker = restart === restarts - 1;
      if (killWorker) {
        process.kill(workers[0]!.pid, 'SIGKILL');
        await workers[0]!.exited;
        workerKills += 1;
      }
      const { startMs } = await env.restartTemporal(1000 + randomInt(3000), crash ? 'SIGKILL' : 'SIGTERM');
      starts.push(startMs);
      if (killWorker) workers[0] = await env.startWorker('worker 1 (postgres, restarted)');
      const answer = await allAnswer(env, all, 90_000);
      answers.push(answer.ms);
      answer.silent.forEach((id) => silent.add(id));
      answer.errors.forEach((error) => errorsSeen.add(error));
    }
    const taskFailures = silent.size > 0 ? await workflowTaskFailures(env, [...silent]) : [];
    if (silent.size > 0) for (const worker of workers) env.debug(`${worker.name} problems:\n${worker.problems().slice(-8).join('\n')}`);
    // "Prove it": the persistence database is emptied during one more stop; nothing survives it.
    if (breakSwitch === 'temporal-state') await temporal.restart(1000, 'SIGTERM', { emptyDatabase: true });
    await sleep(2 * env.plan.periodMs);
    const stillRunning = await running(env, all);
    const { count: visible, error: visibilityError } = await listed(env, all.length);
    const ended = await endAll(env, all);
    for (const worker of workers) await worker.stop();
    const runsQuery = `WorkflowType = 'subscriptionWorkflow' AND WorkflowId STARTS_WITH '${subscriptionWorkflowId('pgrestart')}'`;
    const replayed = await replayAllRuns(env.stack.temporal, runsQuery, path.join(env.stack.dir, 'workflow-bundle.js'), process.env.CHAOS_HISTORY_DIR);
    const figures = await checkBilling(env.stack.prisma, ended, env.peer.received, { redeliveryAllowed: true });

    const charges = await env.stack.prisma.sandboxCharge.findMany({ where: { OR: dunning.map((id) => ({ reference: { startsWith: `INV-${id}-` } })) } });
    const declines = new Map<string, number>();
    for (const charge of charges) if (charge.outcome === 'declined') declines.set(charge.reference, (declines.get(charge.reference) ?? 0) + 1);
    const dunningInvoices = declines.size;
    const wrongDunning = [...declines.values()].filter((count) => count !== DECLINES_PER_INVOICE).length;

    return outcome(`8. Temporal server on PostgreSQL restarted ${restarts} times, two workers, one killed`, `${restarts} restarts × ${all.length} subscriptions`, figures, {
      rows: [
        ['server', 'go.temporal.io/server (scripts/setup-temporal-server.sh), persistence and visibility on PostgreSQL'],
        ['binaries found or built in', seconds(temporal.toolsMs)],
        ['workflows still running before the end / subscriptions', `${stillRunning} / ${all.length}`],
        ['running subscriptions listed by a visibility query (PostgreSQL)', `${visible} / ${all.length}`],
        ['subscriptions that never answered after a restart', String(silent.size)],
        ['workflow runs replayed from history / not replaying', `${replayed.runs} / ${replayed.failures.length}`],
        ['invoices collected through dunning', String(dunningInvoices)],
        ['dunning invoices not declined exactly twice before paid', String(wrongDunning)],
        ['server start after restart (each, until healthy)', starts.map(seconds).join(', ')],
        ['all subscriptions answering after restart (each)', answers.map(seconds).join(', ')],
        ['workers killed (SIGKILL) just before a server restart', String(workerKills)],
      ],
      notes: [
        'Two chaos worker processes poll the same task queue. The server is stopped (SIGTERM, the second time SIGKILL) and started again after 1-4 s on the same ports and databases; at the last restart worker 1 is killed with SIGKILL first and started again once the server is back.',
        'An activity the killed worker was running is retried after its 30 s start-to-close timeout; an email it had handed to SMTP just before may be sent again under the same Message-ID (counted as a redelivery, not a duplicate).',
        errorsSeen.size > 0 ? `Errors answered while the server came back: ${[...errorsSeen].slice(0, 5).join(' | ')}` : 'No query failed once the server was healthy again.',
        ...(visibilityError ? [`The visibility query failed: ${visibilityError}`] : []),
        ...taskFailures.map((reason) => `Silent after a restart: ${reason}`),
        ...replayed.failures.slice(0, 5).map((failure) => `Does not replay: ${failure}`),
      ],
      failures: [
        ...(stillRunning < all.length ? [`${all.length - stillRunning} workflows not running before the end`] : []),
        ...(visible < all.length ? [`visibility listed ${visible} of ${all.length} running subscriptions`] : []),
        ...(silent.size > 0 ? [`${silent.size} subscriptions never answered after a restart`] : []),
        ...(replayed.failures.length > 0 ? [`${replayed.failures.length} of ${replayed.runs} workflow runs do not replay from their history`] : []),
        ...(wrongDunning > 0 ? [`${wrongDunning} dunning invoices with a lost or repeated retry`] : []),
        ...(dunningInvoices === 0 ? ['no invoice went through dunning: the scenario did not test it'] : []),
      ],
    });
  } catch (error) {
    throw new Error(`${String(error)}\n--- temporal server (postgres) ---\n${temporal.tail()}`);
  } finally {
    await temporal.stop();
  }
}
