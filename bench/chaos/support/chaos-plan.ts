// The plan chaos scenarios subscribe to: a billing period of a few seconds, so one run covers many
// periods. It exists only in the run's throwaway database, like the bench plan.
import type { PrismaClient } from '../../../infra/database';

export const CHAOS_PLAN_CENTS = 500;

export async function createChaosPlan(prisma: PrismaClient, periodSeconds: number): Promise<{ code: string; periodMs: number }> {
  if (!Number.isInteger(periodSeconds) || periodSeconds < 1) throw new Error(`CHAOS_PERIOD_SECONDS must be a whole number ≥ 1, got ${periodSeconds}`);
  const code = `chaos-${periodSeconds}s`;
  // Scenarios may ask for the same period: the plan is created once.
  await prisma.product.upsert({ where: { code: 'chaos' }, update: {}, create: { code: 'chaos', name: 'Chaos' } });
  await prisma.plan.upsert({
    where: { code },
    update: {},
    create: {
      code,
      name: `Chaos (${periodSeconds} seconds)`,
      // Its own product: no seeded upsell rule targets it.
      product: 'chaos',
      tier: 1,
      intervalUnit: 'second',
      intervalCount: periodSeconds,
      amountCents: CHAOS_PLAN_CENTS,
      currency: 'USD',
    },
  });
  return { code, periodMs: periodSeconds * 1000 };
}
