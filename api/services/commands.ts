// Commands to a running subscription, sent as workflow updates.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import type { PlanSnapshot } from '../../domain/plans';
import { subscriptionWorkflowId } from '../../domain/subscription';
import { toPlanSnapshot } from '../../infra/plans';
import type { ApiDeps } from '../deps';
import { conflict, invalid, notFound } from '../problem';

/** Runs `send` against the subscription's workflow; an unknown id is 404, an ended subscription 409. */
export async function withSubscription<T>(deps: ApiDeps, id: string, send: (handle: WorkflowHandle) => Promise<T>): Promise<T> {
  try {
    return await send(deps.temporal.workflow.getHandle(subscriptionWorkflowId(id)));
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    const row = await deps.prisma.subscription.findUnique({ where: { id }, select: { status: true } });
    if (!row) throw notFound(`subscription ${id} does not exist`);
    throw conflict(`subscription ${id} has ended (${row.status})`);
  }
}

export async function planByCode({ prisma }: ApiDeps, code: string, field = 'plan'): Promise<PlanSnapshot> {
  const plan = await prisma.plan.findUnique({ where: { code } });
  if (!plan || !plan.active) throw invalid([{ field, message: `unknown plan "${code}"` }]);
  return toPlanSnapshot(plan);
}
