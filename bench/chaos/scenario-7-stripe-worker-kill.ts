// Scenario 7: scenario 1's kills with the Stripe gateway on stripe-mock. The kill that matters
// lands between the PaymentIntent and its answer: Stripe has charged, the engine has recorded
// nothing, and the retry must get Stripe's recorded PaymentIntent back under the same idempotency
// key instead of a second one. The runner hosts the Stripe test-mode stand-in of the gateway
// tests, so what Stripe remembers (customers, PaymentIntents, keys) outlives every worker.
import { StripeStandIn } from '../../test/support/stripe-stand-in';
import { seconds } from '../support/report';
import { intSetting } from '../support/settings';
import { createChaosPlan } from './support/chaos-plan';
import { checkBilling } from './support/checks';
import type { ChaosEnvironment } from './support/environment';
import { confirmedKills, KILL_NOTES, killRows, runKillTrials } from './support/kill-trials';
import { outcome, type ScenarioOutcome } from './support/outcome';
import { createdPaymentIntents, stripeLedger } from './support/stripe-ledger';
import { endAll, subscribe, subscriptionIds, waitCaughtUp } from './support/subscriptions';

/** Test-mode keys: the stand-in accepts any, and a test key can never reach a live account. */
const SECRET_KEY = 'sk_test_chaosStandIn';
const WEBHOOK_SECRET = 'whsec_chaosStandIn';
/**
 * Longer than scenario 1's: each charge is three or four Stripe requests through stripe-mock, and
 * fewer periods fall due while workers are down, so catching up after the kills stays short.
 */
const PERIOD_SECONDS = 20;

export async function stripeWorkerKill(env: ChaosEnvironment): Promise<ScenarioOutcome> {
  const standIn = await StripeStandIn.start();
  try {
    return await underKills(env, standIn);
  } finally {
    await standIn.close();
  }
}

async function underKills(env: ChaosEnvironment, standIn: StripeStandIn): Promise<ScenarioOutcome> {
  const stripe = { PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: standIn.url };
  const ids = subscriptionIds('stripe', intSetting('CHAOS_STRIPE_SUBSCRIPTIONS', 10));
  const plan = await createChaosPlan(env.stack.prisma, intSetting('CHAOS_STRIPE_PERIOD_SECONDS', PERIOD_SECONDS));
  const setup = await env.startWorker('worker (setup, Stripe)', stripe);
  await subscribe(env, ids, 'pm_card_visa', plan.code);
  await setup.stop();

  const trials = await runKillTrials(env, intSetting('CHAOS_STRIPE_KILL_TRIALS', 10), intSetting('CHAOS_KILL_LANES', 2), stripe);

  const recovery = await env.startWorker('worker (recovery, Stripe)', stripe);
  const recoveryStarted = Date.now();
  const behind = await waitCaughtUp(env, ids);
  const recoveryMs = Date.now() - recoveryStarted;
  const ended = await endAll(env, ids);
  await recovery.stop();

  // The workers' requests only: reading the PaymentIntents back adds its own.
  const sent = [...standIn.requests];
  const intents = await createdPaymentIntents(standIn, SECRET_KEY);
  const ledger = stripeLedger(intents);
  const figures = await checkBilling(env.stack.prisma, ended, env.peer.received, { redeliveryAllowed: true, ledger });
  const succeeded = intents.filter((intent) => intent.status === 'succeeded');
  const unaccounted = succeeded.length - (await ledger(ids.map((id) => `INV-${id}-`))).length;
  const creations = sent.filter((request) => request.method === 'POST' && request.path === '/v1/payment_intents');
  const replayed = sent.filter((request) => request.replayed);
  const refused = standIn.failures();
  return outcome('7. Worker killed (SIGKILL) mid-charge with the Stripe gateway on stripe-mock', String(confirmedKills(trials)), figures, {
    rows: [
      ...killRows(trials),
      ['PaymentIntents created (succeeded)', `${intents.length} (${succeeded.length})`],
      ['PaymentIntent creations replayed by idempotency key / sent', `${creations.filter((request) => request.replayed).length} / ${creations.length}`],
      ['Stripe requests replayed by idempotency key / sent', `${replayed.length} / ${sent.length}`],
      ['succeeded PaymentIntents naming no invoice of the run', String(unaccounted)],
      ['Stripe requests stripe-mock refused or the stand-in could not answer', String(refused.length)],
      ['subscriptions not caught up after recovery', String(behind.length)],
      ['time under kills / to catch up after', `${seconds(trials.ms)} / ${seconds(recoveryMs)}`],
    ],
    notes: [
      `Every worker runs the Stripe gateway as the product's worker builds it (PAYMENT_GATEWAY=stripe, createGateway), against stripe-mock (which checks every request against Stripe's OpenAPI description) behind the Stripe test-mode stand-in of the gateway tests (test/support/stripe-stand-in.ts). The stand-in runs in the chaos runner, so Stripe's state outlives every kill. Subscriptions pay with Stripe's test payment method pm_card_visa, on a plan billed every ${plan.periodMs / 1000} s.`,
      'A kill at after-gateway lands after Stripe created and confirmed the PaymentIntent and before the engine recorded its answer.',
      ...KILL_NOTES,
      "Double charges are counted on Stripe's side: every PaymentIntent the stand-in created, read back with GET /v1/payment_intents/:id and grouped by metadata.invoice_reference. A paid invoice must have exactly one succeeded PaymentIntent, the one its succeeded payment attempt recorded (gatewayChargeId); a succeeded PaymentIntent must pay an invoice.",
      'Emails may be redelivered under the same Message-ID, as in scenario 1.',
    ],
    failures: [
      ...(behind.length > 0 ? [`${behind.length} subscriptions never caught up`] : []),
      ...(trials.kills['after-gateway'] === 0 ? ['no kill between a PaymentIntent and its answer: the scenario did not test it'] : []),
      ...(unaccounted > 0 ? [`${unaccounted} succeeded PaymentIntents name no invoice of the run`] : []),
      ...(refused.length > 0 ? [`${refused.length} Stripe requests refused by stripe-mock or not answerable by the stand-in`] : []),
    ],
  });
}
