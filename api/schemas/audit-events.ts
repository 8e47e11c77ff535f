import { z } from 'zod';
import { optional, pagination } from './reads';
import { subscriptionId } from './subscriptions';

const instant = z.iso.datetime({ offset: true });

export const auditEventsQuery = z
  .object({
    subscriptionId: optional(subscriptionId),
    /** A key prefix (12 hex digits) or a customer id. */
    actor: optional(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a key prefix or a customer id')),
    /** Entries at or after this instant. */
    from: optional(instant),
    /** Entries before this instant. */
    to: optional(instant),
    ...pagination,
  })
  .strict();

export type AuditEventsQuery = z.infer<typeof auditEventsQuery>;
