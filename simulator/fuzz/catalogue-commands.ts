// The fuzz's catalogue commands, as a product team sends them while subscriptions live: a new price
// version of a plan (existing subscribers keep theirs), and a bulk migration of every subscription
// on the sequence's plan to another plan or to a newer price, applied at each one's next renewal
// (workflows/plan-migration.ts). The price a plan had when a sequence opened can differ from the
// seeded catalogue's: earlier sequences of the same run changed it.
import fc from 'fast-check';
import request from 'supertest';
import { MAX_PRICE_CENTS } from '../../api/schemas/price-versions';
import { eventually } from '../environment';
import type { FuzzModel, FuzzReal } from './api-command';
import { ApiCommand, guarded, path } from './api-command';

/** A price relative to the plan's current one, so prices wander but stay plausible. */
const PRICE_FACTORS = [0.5, 0.9, 1.25, 2] as const;

/** The plan the sequence's subscription is on now, or null when the API cannot say. */
async function currentPlan(real: FuzzReal): Promise<string | null> {
  const res = await request(real.app).get(path(real, ''));
  return (res.body as { plan?: { code?: string } }).plan?.code ?? null;
}

async function planRow(real: FuzzReal, code: string): Promise<{ amountCents: number; priceVersion: number } | null> {
  const res = await request(real.app).get(`/plans/${encodeURIComponent(code)}`);
  return res.status === 200 ? (res.body as { amountCents: number; priceVersion: number }) : null;
}

/** POST /plans/:code/prices: the subscription's own plan or another one gets a new price. */
class ChangePrice extends ApiCommand {
  private code = '';
  private amountCents = 1;
  constructor(
    readonly plan: string | 'own',
    readonly factor: (typeof PRICE_FACTORS)[number],
  ) {
    super();
  }
  override async prepare(real: FuzzReal) {
    this.code = this.plan === 'own' ? ((await currentPlan(real)) ?? 'basic-monthly') : this.plan;
    const row = await planRow(real, this.code);
    this.amountCents = Math.min(MAX_PRICE_CENTS, Math.max(1, Math.round((row?.amountCents ?? 1000) * this.factor)));
  }
  send(real: FuzzReal) {
    return request(real.app).post(`/plans/${encodeURIComponent(this.code)}/prices`).send({ amountCents: this.amountCents });
  }
  toString() {
    return `changePrice(${this.plan}, ×${this.factor})`;
  }
}

/**
 * POST /plans/:code/migrations from the subscription's plan: to that plan's newest price version
 * (also when the plan drawn is its own), or to another plan (refused with 409 when it bills in
 * another currency or one is still running). Run on its own, it waits until the migration has
 * asked every subscription; inside an AtOnce, it finishes while later commands run, as a real
 * migration does.
 */
class MigratePlan extends ApiCommand {
  private from = '';
  private body: { toPlan?: string; toVersion?: number } = {};
  private migrationId: string | null = null;
  constructor(readonly to: string | 'newest price') {
    super();
  }
  override async prepare(real: FuzzReal) {
    this.from = (await currentPlan(real)) ?? 'basic-monthly';
    // A migration to the plan itself names the price version it moves to.
    const repricing = this.to === 'newest price' || this.to === this.from;
    this.body = repricing ? { toVersion: (await planRow(real, this.from))?.priceVersion ?? 1 } : { toPlan: this.to };
  }
  send(real: FuzzReal) {
    return request(real.app)
      .post(`/plans/${encodeURIComponent(this.from)}/migrations`)
      .send(this.body)
      .then((res) => {
        this.migrationId = res.status === 202 ? (res.body as { id: string }).id : null;
        return res;
      });
  }
  override async run(model: FuzzModel, real: FuzzReal): Promise<void> {
    await super.run(model, real);
    const id = this.migrationId;
    if (id) await guarded(real, `${this.toString()} to finish`, () => migrationsFinished(real, id));
  }
  toString() {
    return `migratePlan(${this.to})`;
  }
}

/** Waits until the migration (or, without an id, every migration) has stopped running. */
export async function migrationsFinished(real: Pick<FuzzReal, 'h'>, id?: string): Promise<void> {
  await eventually(
    () => real.h.db.prisma.planMigration.count({ where: { status: 'running', ...(id ? { id } : {}) } }),
    (running) => running === 0,
    `plan migration ${id ?? '(any)'} to finish`,
    60_000,
  );
}

/** Price changes and migrations, the sequence's own plan more often than another. */
export function catalogueCommand(plans: readonly string[]): fc.Arbitrary<ApiCommand> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom<string>('own', 'own', ...plans), fc.constantFrom(...PRICE_FACTORS)).map(([plan, factor]) => new ChangePrice(plan, factor)) },
    { weight: 1, arbitrary: fc.constantFrom<string>('newest price', 'newest price', ...plans).map((to) => new MigratePlan(to)) },
  );
}
