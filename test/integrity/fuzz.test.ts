// Random command sequences, fixed seed: every sequence through the production workflow keeps the
// invariants of simulator/fuzz/invariants.ts. `npm run fuzz -- --runs N --seed S` runs more.
import { fuzz } from '../../simulator/fuzz/run';
import type { Harness } from '../support/harness';
import { startHarness } from '../support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ restartableWorker: true });
});
afterAll(async () => {
  await h?.teardown();
});

test('50 random command sequences leave every subscription billing correctly (seed 20261203)', async () => {
  const summary = await fuzz(h, { runs: 50, seed: 20261203, maxCommands: 6 });
  if (summary.failure) throw new Error(summary.failure);
  expect(summary.sequences).toBe(50);
  // The sequences did reach every kind of answer: accepted, refused, declined.
  expect(Object.keys(summary.answers).sort()).toEqual(expect.arrayContaining(['200', '402', '409']));
}, 600_000);
