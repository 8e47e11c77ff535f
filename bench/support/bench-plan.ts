// The plan renewal benches subscribe to: a billing period of one second of real time. It exists
// only in a bench's throwaway database, never in the seeded catalogue.
import type { PrismaClient } from '../../infra/database';

export const BENCH_PLAN = 'bench-1s';

export async function createBenchPlan(prisma: PrismaClient): Promise<void> {
  await prisma.product.create({ data: { code: 'bench', name: 'Bench' } });
  await prisma.plan.create({
    data: {
      code: BENCH_PLAN,
      name: 'Bench (1 second)',
      // Its own product: no seeded upsell rule targets it, as for a plan without offers.
      product: 'bench',
      tier: 1,
      intervalUnit: 'second',
      intervalCount: 1,
      amountCents: 100,
      currency: 'USD',
    },
  });
}
