// Scenario 5: the gateway hangs past the charge activity's start-to-close timeout (30 s) and only
// then charges and answers. Temporal retries the activity while the first call still hangs; the
// retry must reuse the idempotency key so that, when the late call lands, the customer is still
// charged once.
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_TOKENS } from '../../gateway/sandbox-gateway';
import { seconds } from '../support/report';
import { intSetting } from '../support/settings';
import { createChaosPlan } from './support/chaos-plan';
import { checkBilling } from './support/checks';
import type { ChaosEnvironment } from './support/environment';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { changeCard, endAll, subscribe, subscriptionIds } from './support/subscriptions';

/** Past the charge activity's 30 s start-to-close timeout (workflows/activities.ts). */
const HANG_MS = 35_000;
/**
 * Longer than a hung charge and its retry, so no renewal falls due meanwhile: a subscription
 * that is behind runs its due renewals before commands (see the report), and each would hang.
 */
const PERIOD_SECONDS = 45;

/** `work`'s result, or 'timed out'; a failure of work given up on is only logged (CHAOS_DEBUG). */
function within<T>(ms: number, work: Promise<T>): Promise<T | 'timed out'> {
  const settled = work.catch((error: unknown) => {
    if (process.env.CHAOS_DEBUG) console.error(`gave up on: ${String(error)}`);
    return 'timed out' as const;
  });
  return Promise.race([settled, sleep(ms).then(() => 'timed out' as const)]);
}

export async function gatewayTimeout(env: ChaosEnvironment): Promise<ScenarioOutcome> {
  const ids = subscriptionIds('hang', intSetting('CHAOS_HANG_SUBSCRIPTIONS', 8));
  const hanging = SANDBOX_TOKENS.hang(HANG_MS, 1);
  const plan = await createChaosPlan(env.stack.prisma, PERIOD_SECONDS);
  const worker = await env.startWorker('worker');

  // The first charge of each subscription hangs; subscribing waits for its outcome (the retry).
  const started = Date.now();
  const opened = await within(150_000, subscribe(env, ids, hanging, plan.code));
  const openedMs = Date.now() - started;
  env.debug(`subscriptions opened: ${String(opened)}`);
  // Later charges go through at once (then every subscription ends at its period end).
  if (opened !== 'timed out') await within(60_000, changeCard(env, ids, SANDBOX_TOKENS.success));
  const ended = await endAll(env, ids);
  // Every late call has landed by now (HANG_MS after it began); wait anyway if not.
  await sleep(Math.max(0, started + HANG_MS + 2000 - Date.now()));
  await worker.stop();
  const figures = await checkBilling(env.stack.prisma, ended, env.peer.received);

  const hung = await env.stack.prisma.sandboxCharge.findMany({ where: { paymentMethod: hanging, reference: { startsWith: 'INV-hang-' } } });
  const invoices = new Set(hung.map((charge) => charge.reference)).size;
  return outcome('5. Gateway hangs past the activity timeout, then succeeds', `${invoices} charges timed out and retried`, figures, {
    rows: [
      ['invoices whose gateway call hung 35 s (then charged)', String(invoices)],
      ['ledger rows for them (one per idempotency key)', String(hung.length)],
      ['subscribing (first charge hung, retried) took', opened === 'timed out' ? 'did not finish in 150 s' : seconds(openedMs)],
    ],
    notes: [
      `Card ${hanging}: the gateway waits ${HANG_MS / 1000} s before charging, the first time it sees each idempotency key. The activity times out at 30 s and is retried 1 s later under the same key, which charges at once; the hung call then finds that charge in the ledger. The plan here bills every ${PERIOD_SECONDS} s.`,
    ],
    failures: [...(invoices === 0 ? ['no charge hung: the scenario did not test it'] : []), ...(opened === 'timed out' ? ['subscribing did not finish'] : [])],
  });
}
