// API keys (admin scope, api/auth-policy.ts). The secret is in the 201 of a create or rotate only.
import { Router } from 'express';
import { callerKeyId } from '../auth';
import type { ApiDeps } from '../deps';
import { apiKeyParams, createApiKeyBody, rotateApiKeyBody } from '../schemas/api-keys';
import { pageQuery } from '../schemas/reads';
import { createKey, listKeys, revokeKey, rotateKey } from '../services/api-keys';

export function apiKeysRouter(deps: ApiDeps): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const created = await createKey(deps, createApiKeyBody.parse(req.body));
    res.status(201).location(`/api-keys/${created.id}`).json(created);
  });

  router.get('/', async (req, res) => {
    res.json(await listKeys(deps, pageQuery.parse(req.query)));
  });

  router.delete('/:id', async (req, res) => {
    res.json(await revokeKey(deps, apiKeyParams.parse(req.params).id, callerKeyId(res)));
  });

  router.post('/:id/rotate', async (req, res) => {
    const { id } = apiKeyParams.parse(req.params);
    const { overlapSeconds } = rotateApiKeyBody.parse(req.body ?? {});
    const rotated = await rotateKey(deps, id, overlapSeconds, callerKeyId(res));
    res.status(201).location(`/api-keys/${rotated.id}`).json(rotated);
  });

  return router;
}
