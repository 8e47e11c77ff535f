// Scenario 1: the worker is killed with SIGKILL in the middle of charging, again and again, and
// restarted. Kills land at three exact points of a charge (before the gateway call; after the
// gateway charged but before the payment and invoice rows are written; after they are written but
// before Temporal has the activity's result) and at random moments.
import { checkBilling } from './support/checks';
import type { ChaosEnvironment } from './support/environment';
import { confirmedKills, KILL_NOTES, killRows, runKillTrials } from './support/kill-trials';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { endAll, subscribe, subscriptionIds, waitCaughtUp } from './support/subscriptions';
import { intSetting } from '../support/settings';
import { seconds } from '../support/report';

export async function workerKill(env: ChaosEnvironment): Promise<ScenarioOutcome> {
  const ids = subscriptionIds('kill', intSetting('CHAOS_KILL_SUBSCRIPTIONS', 10));
  const setup = await env.startWorker('worker (setup)');
  await subscribe(env, ids);
  await setup.stop();

  const trials = await runKillTrials(env, intSetting('CHAOS_KILL_TRIALS', 50), intSetting('CHAOS_KILL_LANES', 2));

  const recovery = await env.startWorker('worker (recovery)');
  const recoveryStarted = Date.now();
  const behind = await waitCaughtUp(env, ids);
  const recoveryMs = Date.now() - recoveryStarted;
  const ended = await endAll(env, ids);
  await recovery.stop();
  const figures = await checkBilling(env.stack.prisma, ended, env.peer.received, { redeliveryAllowed: true });
  return outcome('1. Worker killed (SIGKILL) mid-charge, then restarted', String(confirmedKills(trials)), figures, {
    rows: [
      ...killRows(trials),
      ['subscriptions not caught up after recovery', String(behind.length)],
      ['time under kills / to catch up after', `${seconds(trials.ms)} / ${seconds(recoveryMs)}`],
    ],
    notes: [
      ...KILL_NOTES,
      'Duplicate emails count one lifecycle event delivered as two different emails. SMTP has no idempotent submit: an email the SMTP server accepted in the moment before a SIGKILL, before Temporal recorded the hand-over, is sent again with the same Message-ID (which mail systems use to recognise a resend); such redeliveries are counted in their own row, here only.',
    ],
    failures: behind.length > 0 ? [`${behind.length} subscriptions never caught up`] : [],
  });
}
