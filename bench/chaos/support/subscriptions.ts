// Starting, watching and ending the subscriptions of a scenario. Subscriptions are created by the
// API's own service code (update-with-start), in this process unless a scenario tests the API.
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { createSubscription } from '../../../api/services/subscriptions';
import type { SubscriptionState } from '../../../domain/subscription';
import { subscriptionWorkflowId } from '../../../domain/subscription';
import { cancel, getSubscription, updatePaymentMethod } from '../../../workflows/contract';
import { eachLimited } from '../../support/api';
import { intSetting } from '../../support/settings';
import type { ChaosEnvironment } from './environment';
import { SignUpStarts } from '../../../api/services/sign-up-starts';

/** Failure types of a command the lifecycle rules refuse (workflows/subscription.ts). */
const REFUSALS = new Set(['CommandRefusedError', 'IllegalTransitionError']);

export function subscriptionIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
}

export async function subscribe(env: ChaosEnvironment, ids: readonly string[], paymentMethod = 'pm_card_visa', plan = env.plan.code): Promise<void> {
  const taskQueue = String(env.stack.env.TEMPORAL_TASK_QUEUE);
  const deps = {
    prisma: env.stack.prisma,
    temporal: env.stack.temporal,
    taskQueue,
    signUpStarts: new SignUpStarts({ prisma: env.stack.prisma, temporal: env.stack.temporal, taskQueue }),
    policy: env.policy,
    clock: async () => new Date(),
    links: { publicUrl: 'http://127.0.0.1', secret: 'chaos-run-link-secret' },
  };
  await eachLimited(ids, 8, async (id) => {
    await createSubscription(deps, { id, customer: { email: `${id}@chaos.example`, name: `Chaos ${id}` }, plan, paymentMethod });
  });
}

const handle = (env: ChaosEnvironment, id: string) => env.stack.temporal.workflow.getHandle(subscriptionWorkflowId(id));

/** Switches the card of running subscriptions (e.g. to one that declines or hangs). */
export async function changeCard(env: ChaosEnvironment, ids: readonly string[], paymentMethod: string): Promise<void> {
  await eachLimited(ids, 8, async (id) => {
    await handle(env, id).executeUpdate(updatePaymentMethod, { args: [{ paymentMethod }] });
  });
}

/** Active, its current period invoiced and paid, and that period not yet over: nothing left behind. */
function caughtUp(state: SubscriptionState, now: number): boolean {
  return state.status === 'active' && state.currentPeriodInvoiced && state.latestInvoice?.status === 'paid' && new Date(state.currentPeriod.end).getTime() > now;
}

/**
 * Waits until every subscription has caught up (after a fault); the ones that have not, after
 * CHAOS_RECOVERY_SECONDS (300; a "prove it" run, whose subscriptions never recover, sets less).
 */
export async function waitCaughtUp(env: ChaosEnvironment, ids: readonly string[]): Promise<string[]> {
  const deadline = Date.now() + intSetting('CHAOS_RECOVERY_SECONDS', 300) * 1000;
  let behind = [...ids];
  while (behind.length > 0 && Date.now() < deadline) {
    const still: string[] = [];
    await eachLimited(behind, 8, async (id) => {
      const state = await handle(env, id)
        .query(getSubscription)
        .catch(() => null);
      if (!state || !caughtUp(state, Date.now())) still.push(id);
    });
    behind = still;
    if (behind.length > 0) await sleep(500);
  }
  if (process.env.CHAOS_DEBUG && behind.length > 0) {
    for (const id of behind) {
      const state = await handle(env, id)
        .query(getSubscription)
        .catch((error: unknown) => String(error));
      console.error(`${id} behind:`, typeof state === 'string' ? state : JSON.stringify({ status: state.status, period: state.currentPeriod, invoiced: state.currentPeriodInvoiced, latest: state.latestInvoice }));
      const pending = (await handle(env, id).describe()).raw.pendingActivities ?? [];
      console.error(
        `${id} pending:`,
        JSON.stringify(pending.map((a) => ({ type: a.activityType?.name, attempt: a.attempt, state: a.state, failure: a.lastFailure?.message, started: a.lastStartedTime, scheduled: a.scheduledTime }))),
      );
    }
  }
  return behind;
}

export interface Ended {
  /** Final state of each subscription that completed. */
  finals: Map<string, SubscriptionState>;
  /** Subscriptions whose workflow failed, or did not end in time: lost to the fault. */
  lost: string[];
}

/**
 * Cancels every subscription at the end of its current period (retrying while one is in dunning,
 * where that is refused) and waits, up to CHAOS_END_SECONDS (120), for the workflows to complete:
 * their last period is then billed. Then it waits as long again for every email they queued to be
 * sent or given up: emails are delivered by workflows of their own, which a subscription's end
 * does not wait for, and one whose sending a kill interrupted is retried only after its 1-minute
 * attempt timeout.
 */
export async function endAll(env: ChaosEnvironment, ids: readonly string[]): Promise<Ended> {
  const timeoutMs = intSetting('CHAOS_END_SECONDS', 120) * 1000;
  const deadline = Date.now() + timeoutMs;
  const finals = new Map<string, SubscriptionState>();
  const lost: string[] = [];
  await eachLimited(ids, 8, async (id) => {
    try {
      for (;;) {
        try {
          await handle(env, id).executeUpdate(cancel, { args: [{ when: 'period_end' }] });
          break;
        } catch (error) {
          // Refused (in dunning): try again; anything else means the workflow is gone.
          const refused = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure && REFUSALS.has(error.cause.type ?? '');
          if (!refused || Date.now() > deadline) throw error;
          await sleep(300);
        }
      }
      const result = await Promise.race([
        handle(env, id).result() as Promise<SubscriptionState>,
        sleep(Math.max(1000, deadline - Date.now())).then(() => {
          throw new Error(`${id} did not complete within ${timeoutMs / 1000} s of its cancellation`);
        }),
      ]);
      finals.set(id, result);
    } catch (error) {
      if (process.env.CHAOS_DEBUG) console.error(`${id} lost: ${String(error)}`);
      lost.push(id);
      // Stuck for good: stop it, so that nothing it still retries changes the figures or outlives the run.
      await handle(env, id)
        .terminate('lost to the chaos fault')
        .catch(() => undefined);
    }
  });
  const emailsDeadline = Date.now() + timeoutMs;
  const pending = { subscriptionId: { in: [...ids] }, status: 'pending' as const };
  while ((await env.stack.prisma.emailMessage.count({ where: pending })) > 0 && Date.now() < emailsDeadline) await sleep(500);
  return { finals, lost };
}

