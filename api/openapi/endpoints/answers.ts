// Success answers several endpoints share.
import type { z } from 'zod';
import { subscriptionView } from '../../schemas/responses/subscription';
import type { Answer } from '../endpoint';

export const ok = (schema: z.ZodType, description: string): Answer => ({ status: 200, description, schema });

/** Every command on a subscription answers with its state after the command. */
export const subscriptionAfter = ok(subscriptionView, 'The subscription after the command');

export const SUBSCRIPTION_ID = { id: 'sub_ada' };

/** Why a workflow update is refused: the lifecycle forbids it, or the subscription has ended. */
export const REFUSED = 'The lifecycle refuses the command in the current state (the reason is in `detail`), or the subscription has ended';
export const NO_SUBSCRIPTION = 'No subscription has this id';
