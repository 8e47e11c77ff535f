import { z } from 'zod';

export const sandboxChargeParams = z.object({ chargeId: z.string().regex(/^ch_[A-Za-z0-9_]{1,300}$/, 'must be a sandbox charge id (ch_…)') });

/** How the customer (or the wallet) ends the pending charge; absent: as its token says. */
export const sandboxSettleQuery = z.object({ outcome: z.enum(['succeeded', 'failed']).optional() }).strict();
