// Model-based fuzzing of the billing core (fast-check's model-based testing): random sequences of
// commands, cards and time passing, each run through the production workflow, activities and API
// on the time-skipping server, each followed by the invariants of invariants.ts. A failing
// sequence is shrunk to the shortest one that still fails, and reported with its seed and path.
import fc from 'fast-check';
import request from 'supertest';
import { DEFAULT_POLICY } from '../../domain/subscription';
import type { Harness } from '../environment';
import { environmentApp, retireSubscription } from '../environment';
import type { FuzzModel, FuzzReal, Opening } from './commands';
import { fuzzCommands, openSubscription, opening } from './commands';
import { migrationsFinished } from './catalogue-commands';
import { watchWorkflow } from '../health';
import { countingClient } from './counting-client';
import { invariantViolations } from './invariants';

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Commands per sequence at most (default 12). */
  maxCommands?: number;
  /**
   * A reported failure's `path` and the `replayPath` in its counterexample: with its seed and
   * maxCommands, the failing sequence runs again at once.
   */
  replay?: { path: string; replayPath: string };
  /** Called after each sequence, with its number and how many commands it ran. */
  onSequence?: (sequence: number, commands: number) => void;
}

export interface FuzzSummary {
  seed: number;
  runs: number;
  /** Sequences run, shrinking included. */
  sequences: number;
  commands: number;
  /** How the API answered, by HTTP status. */
  answers: Record<string, number>;
  /** Where the sequences left their subscriptions, by status: how much of the lifecycle they reached. */
  finalStatuses: Record<string, number>;
  durationMs: number;
  /** The shrunk counterexample and what it broke; absent when every sequence held. */
  failure?: string;
}

/**
 * Upsell rules that fire often (at usage reports and early renewals), so sequences meet open
 * offers to accept, decline and let expire.
 */
const FUZZ_RULES = [
  {
    id: 'fuzz-usage',
    description: 'Fuzz: half the seats used in one period: the next tier at 10% off',
    enabled: true,
    priority: 100,
    when: [{ usage: 'seats', atLeastRatio: 0.5, forPeriods: 1 }],
    offer: { target: { kind: 'next_tier' }, percentOff: 10, discountPeriods: 2, expiresInDays: 5 },
    cooldownDays: 3,
  },
  {
    id: 'fuzz-annual',
    description: 'Fuzz: one paid renewal on a monthly plan: the yearly plan',
    enabled: true,
    priority: 90,
    when: [{ fact: 'interval', equals: 'month' }, { fact: 'paidRenewals', atLeast: 1 }],
    offer: { target: { kind: 'annual' }, percentOff: 0, discountPeriods: 0, expiresInDays: 10 },
    cooldownDays: 20,
  },
];

async function installRules(h: Harness): Promise<void> {
  const app = environmentApp(h);
  for (const { id, ...rule } of FUZZ_RULES) {
    const res = await request(app).put(`/offer-rules/${id}`).send(rule);
    if (res.status !== 200) throw new Error(`the fuzz rule ${id} was refused: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

export async function fuzz(h: Harness, options: FuzzOptions): Promise<FuzzSummary> {
  const started = Date.now();
  await installRules(h);
  const temporal = countingClient(h.env.client);
  const apps = {
    cancel: environmentApp(h, DEFAULT_POLICY, { temporal: temporal.client }),
    unpaid: environmentApp(h, { ...DEFAULT_POLICY, dunning: { ...DEFAULT_POLICY.dunning, finalAction: 'unpaid' } }, { temporal: temporal.client }),
  };
  const answers: Record<string, number> = {};
  const finalStatuses: Record<string, number> = {};
  let sequences = 0;
  let commands = 0;
  const property = fc.asyncProperty(opening, fc.commands(fuzzCommands, { maxCommands: options.maxCommands ?? 12, size: 'max', ...(options.replay ? { replayPath: options.replay.replayPath } : {}) }), async (how: Opening, sequence) => {
    sequences += 1;
    const subscriptionId = `fz${options.seed}_${sequences}`;
    const watch = watchWorkflow(h, `subscription-${subscriptionId}`);
    const real: FuzzReal = { h, app: apps[how.finalAction], subscriptionId, answers: [], temporalCalls: temporal.calls, watch };
    try {
      // What an imported first period was paid elsewhere: the plan's price now (earlier sequences may have changed it).
      const { amountCents: planPriceCents } = await h.db.prisma.plan.findUniqueOrThrow({ where: { code: how.plan }, select: { amountCents: true } });
      await openSubscription(real, how, await h.env.currentTimeMs());
      const model: FuzzModel = { commands: 0 };
      await fc.asyncModelRun(() => ({ model, real }), sequence);
      // A migration sent at once with another command may still be asking subscriptions.
      await migrationsFinished(real);
      const health = await watch.settle();
      if (!health.ok) throw new Error(`${subscriptionId}: the workflow did not settle: ${health.reason}`);
      commands += model.commands;
      options.onSequence?.(sequences, model.commands);
      const { violations: found, status } = await invariantViolations(h, {
        subscriptionId: real.subscriptionId,
        importedValueCents: how.importedForMs === undefined ? 0 : planPriceCents,
        creditKept: real.answers.some((answer) => answer.command.endsWith('cancel(now, none)') && answer.status === 200),
      });
      finalStatuses[status] = (finalStatuses[status] ?? 0) + 1;
      if (found.length > 0) throw new Error(`${real.subscriptionId} broke ${found.length} invariant(s):\n  ${found.join('\n  ')}`);
    } finally {
      for (const answer of real.answers) answers[answer.status] = (answers[answer.status] ?? 0) + 1;
      await watch.release('fuzz sequence given up');
      // Stopped, so it does not keep renewing while later sequences move the clock.
      await retireSubscription(h, real.subscriptionId, 'fuzz sequence checked').catch(() => undefined);
    }
  });
  const result = await fc.check(property, { numRuns: options.runs, seed: options.seed, ...(options.replay ? { path: options.replay.path, endOnFailure: true } : {}) });
  return {
    seed: options.seed,
    runs: options.runs,
    sequences,
    commands,
    answers,
    finalStatuses,
    durationMs: Date.now() - started,
    ...(result.failed ? { failure: `${fc.defaultReportMessage(result) ?? 'a sequence failed'}\n${String((result.errorInstance as Error | undefined)?.message ?? result.errorInstance)}` } : {}),
  };
}
