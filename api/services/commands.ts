// Commands to a running subscription, sent as workflow updates.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import type { PlanSnapshot } from '../../domain/plans';
import { subscriptionWorkflowId } from '../../domain/subscription';
import { toPlanSnapshot } from '../../infra/plans';
import type { ApiDeps } from '../deps';
import { conflict, invalid, notFound } from '../problem';

const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
/** Commands may charge a card: they get longer than reads. */
const UPDATE_TIMEOUT_MS = 60_000;

type Kind = 'read' | 'command';

/** When a call of this kind made now must have answered. */
function deadlineFor(deps: Pick<ApiDeps, 'queryTimeoutMs' | 'commandTimeoutMs'>, kind: Kind): number {
  return Date.now() + (kind === 'read' ? (deps.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS) : (deps.commandTimeoutMs ?? UPDATE_TIMEOUT_MS));
}

/** Runs `send` within a command's deadline: a stuck call fails with DEADLINE_EXCEEDED (a 503), not a hung request. */
export function withCommandDeadline<T>(deps: Pick<ApiDeps, 'temporal' | 'commandTimeoutMs'>, send: () => Promise<T>): Promise<T> {
  return deps.temporal.withDeadline(deadlineFor(deps, 'command'), send);
}

/**
 * Runs `send` against the subscription's workflow within a deadline (a stuck call becomes a 503,
 * not a hung request); an unknown id is 404, an ended subscription 409. An asynchronous sign-up
 * whose workflow is still in the outbox has it started first.
 */
export async function withSubscription<T>(
  deps: ApiDeps,
  id: string,
  send: (handle: WorkflowHandle) => Promise<T>,
  kind: Kind = 'command',
): Promise<T> {
  const handle = deps.temporal.workflow.getHandle(subscriptionWorkflowId(id));
  const sendInTime = () => deps.temporal.withDeadline(deadlineFor(deps, kind), () => send(handle));
  try {
    return await sendInTime();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    if (!(await deps.signUpStarts.startNow(id))) throw await missingWorkflow(deps, id);
  }
  // Its sign-up was still in the outbox, and its workflow has just been started.
  try {
    return await sendInTime();
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    throw await missingWorkflow(deps, id);
  }
}

/** Why a subscription has no workflow to answer: it does not exist (404), or it has ended (409). */
async function missingWorkflow(deps: ApiDeps, id: string): Promise<Error> {
  const row = await deps.prisma.subscription.findUnique({ where: { id }, select: { status: true } });
  return row ? conflict(`subscription ${id} has ended (${row.status})`) : notFound(`subscription ${id} does not exist`);
}

export async function planByCode({ prisma }: ApiDeps, code: string, field = 'plan'): Promise<PlanSnapshot> {
  const plan = await prisma.plan.findUnique({ where: { code } });
  if (!plan) throw invalid([{ field, message: `unknown plan "${code}"` }]);
  if (!plan.active) throw conflict(`plan ${plan.code} is archived: it is no longer offered as a plan change`);
  return toPlanSnapshot(plan);
}
