import type { WorkflowHandle } from '@temporalio/client';
import { PLAN_CATALOGUE, type PlanSnapshot } from '../../domain/plans';
import { RULES_VERSION } from '../../domain/rules';
import type { SubscriptionStart } from '../../domain/subscription';
import { subscriptionWorkflowId } from '../../domain/subscription';
import type { SubscriptionWorkflow } from '../../workflows/contract';
import { WORKFLOW_TYPES } from '../../workflows/contract';
import type { Harness } from './harness';

export function plan(code: string): PlanSnapshot {
  const found = PLAN_CATALOGUE.find((p) => p.code === code);
  if (!found) throw new Error(`no plan ${code} in the catalogue`);
  return found;
}

/** Starts a subscription workflow directly (no API), with its customer row. */
export async function startSubscription(
  h: Harness,
  id: string,
  options: Partial<Omit<SubscriptionStart, 'subscriptionId' | 'customer'>> = {},
): Promise<WorkflowHandle<SubscriptionWorkflow>> {
  const customer = await h.db.prisma.customer.create({ data: { id: `cus_${id}`, email: `${id}@example.com`, name: id } });
  return h.env.client.workflow.start<SubscriptionWorkflow>(WORKFLOW_TYPES.subscription, {
    workflowId: subscriptionWorkflowId(id),
    taskQueue: h.taskQueue,
    args: [
      {
        start: {
          subscriptionId: id,
          customer: { id: customer.id, email: customer.email, name: customer.name },
          plan: options.plan ?? plan('pro-monthly'),
          paymentMethod: options.paymentMethod ?? 'pm_card_visa',
          ...(options.trialDays !== undefined ? { trialDays: options.trialDays } : {}),
          ...(options.timeZone ? { timeZone: options.timeZone } : {}),
          rules: options.rules ?? RULES_VERSION,
        },
      },
    ],
  });
}

/** Moves the test server's clock to `instant` (time only moves forward). */
export async function skipTo(h: Harness, instant: string | number | Date): Promise<void> {
  const delta = new Date(instant).getTime() - (await h.env.currentTimeMs());
  if (delta > 0) await h.env.sleep(delta);
}
