// Scenario 4: the SMTP server is unreachable for 30 s. Billing must go on meanwhile; every email
// of that time must be retried by its delivery workflow and reach the SMTP peer exactly once
// after it is back.
import { setTimeout as sleep } from 'node:timers/promises';
import { seconds } from '../support/report';
import { intSetting } from '../support/settings';
import { checkBilling } from './support/checks';
import type { ChaosEnvironment } from './support/environment';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { endAll, subscribe, subscriptionIds } from './support/subscriptions';


export async function smtpOutage(env: ChaosEnvironment): Promise<ScenarioOutcome> {
  const outageMs = intSetting('CHAOS_OUTAGE_SECONDS', 30) * 1000;
  const ids = subscriptionIds('smtpdown', intSetting('CHAOS_SMTP_SUBSCRIPTIONS', 8));
  const worker = await env.startWorker('worker');
  await subscribe(env, ids);
  await sleep(env.plan.periodMs);

  const paidBefore = await env.stack.prisma.invoice.count({ where: { subscriptionId: { in: ids }, status: 'paid' } });
  await env.smtp.down();
  const downAt = new Date();
  await sleep(outageMs);
  const paidDuring = (await env.stack.prisma.invoice.count({ where: { subscriptionId: { in: ids }, status: 'paid' } })) - paidBefore;
  await env.smtp.up();
  const upAt = Date.now();

  // Emails of the outage: recorded while the server was down, delivered only after it came back.
  const ofOutage = await env.stack.prisma.emailMessage.findMany({ where: { subscriptionId: { in: ids }, createdAt: { gte: downAt } } });
  const deadline = Date.now() + 180_000;
  let unsent = ofOutage.length;
  while (unsent > 0 && Date.now() < deadline) {
    await sleep(1000);
    unsent = await env.stack.prisma.emailMessage.count({ where: { id: { in: ofOutage.map((row) => row.id) }, sentAt: null } });
  }
  const deliveredMs = Date.now() - upAt;
  // Given up instead of sent (none should be: the outage is far shorter than the retries).
  const failed = await env.stack.prisma.emailMessage.count({ where: { id: { in: ofOutage.map((row) => row.id) }, status: 'failed' } });
  const ended = await endAll(env, ids);
  await worker.stop();
  const figures = await checkBilling(env.stack.prisma, ended, env.peer.received);
  const deliveredOfOutage = new Set(ofOutage.map((row) => row.messageId)).size;

  return outcome(`4. SMTP server unreachable for ${outageMs / 1000} s`, `${ofOutage.length} emails due during the outage`, figures, {
    rows: [
      ['invoices paid while SMTP was down (billing went on)', String(paidDuring)],
      ['emails of the outage still unsent at the end', String(unsent)],
      ['emails of the outage given up (failed)', String(failed)],
      ['emails of the outage delivered after recovery within', seconds(deliveredMs)],
      ['distinct Message-IDs among them', String(deliveredOfOutage)],
    ],
    notes: [
      "The worker's SMTP connections go through a TCP proxy the runner switches off (connections refused). A lifecycle step only queues its email (an EmailMessage row, pending, and one delivery workflow, whose attempts run on the outbound-delivery queue), so billing and continue-as-new never wait for SMTP. The delivery retries connection failures and 4xx replies from 10 s, doubling, capped at 10 min, for at most 438 attempts (about 3 days), and fails a 5xx rejection at once; either way the row ends sent or failed. The SMTP peer counts every delivery by Message-ID.",
    ],
    failures: [...(paidDuring === 0 ? ['billing stopped while SMTP was down'] : []), ...(ofOutage.length === 0 ? ['no email fell due during the outage'] : [])],
  });
}
