import { z } from 'zod';
import { SCOPES } from '../auth-keys';
import { distinct } from './refinements';

/** A rotated key stays usable this long unless the request says otherwise: a day to redeploy. */
export const DEFAULT_OVERLAP_SECONDS = 24 * 60 * 60;
/** Longest overlap: a leaked key being rotated out must not stay valid for weeks. */
export const MAX_OVERLAP_SECONDS = 7 * 24 * 60 * 60;

export const createApiKeyBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    scopes: distinct(z.array(z.enum(SCOPES, { error: `must be one of ${SCOPES.join(', ')}` })).min(1).max(SCOPES.length), 'must not repeat a scope'),
    /** Refused from this instant on; omitted: until revoked. Must be in the future. */
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const apiKeyParams = z.object({
  id: z.string().regex(/^key_[a-f0-9]{16}$/, 'must be an API key id such as key_0123456789abcdef'),
});

export const rotateApiKeyBody = z
  .object({
    overlapSeconds: z.number().int().min(0).max(MAX_OVERLAP_SECONDS).default(DEFAULT_OVERLAP_SECONDS),
  })
  .strict();

export type CreateApiKeyBody = z.infer<typeof createApiKeyBody>;
