import { Router } from 'express';
import type { ApiDeps } from '../deps';

type Check = 'ok' | string;

async function check(probe: () => Promise<unknown>): Promise<Check> {
  try {
    await probe();
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export function healthRouter({ prisma, temporal }: ApiDeps): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    const [database, temporalServer] = await Promise.all([
      check(() => prisma.$queryRaw`SELECT 1`),
      check(() => temporal.workflowService.getSystemInfo({})),
    ]);
    const healthy = database === 'ok' && temporalServer === 'ok';
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', checks: { database, temporal: temporalServer } });
  });
  return router;
}
