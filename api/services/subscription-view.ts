// GET /subscriptions/:id: the view the workflow stored with its projection row (eventual), or the
// workflow's own answer to its query (strong). The stored view is written in the step write that
// ends every step, before a command's answer goes out, so a client reads its own commands either way;
// what an eventual read can miss is a step still running (a renewal's charge in flight). While the
// database is down, the workflow answers.
import { getSubscription, VIEW_SHAPE, type SubscriptionView } from '../../workflows/contract';
import { isDatabaseUnavailable } from '../database-unavailable';
import type { ApiDeps } from '../deps';
import { withSubscription } from './commands';

export type Consistency = 'eventual' | 'strong';

export interface ReadView {
  view: SubscriptionView;
  /** Which answered: the projection row, or the workflow. */
  consistency: Consistency;
}

/** The stored view, when the row holds one of this shape written at the row's own version. */
async function storedView({ prisma }: ApiDeps, id: string): Promise<SubscriptionView | null> {
  const row = await prisma.subscription.findUnique({ where: { id }, select: { stateVersion: true, viewShape: true, view: true } });
  if (!row || row.viewShape !== VIEW_SHAPE || row.view === null) return null;
  const view = row.view as unknown as SubscriptionView;
  // Written by code that updated the row without its view (an older worker): not current.
  return view.version === row.stateVersion ? view : null;
}

export async function readSubscriptionView(deps: ApiDeps, id: string, consistency: Consistency = 'eventual'): Promise<ReadView> {
  if (consistency === 'eventual') {
    // While the database is down the workflow still answers (with a key seen before, api/auth.ts).
    const view = await storedView(deps, id).catch((error: unknown) => {
      if (isDatabaseUnavailable(error)) return null;
      throw error;
    });
    if (view) return { view, consistency: 'eventual' };
  }
  return { view: await withSubscription(deps, id, (handle) => handle.query(getSubscription), 'read'), consistency: 'strong' };
}
