// Random command sequences, fixed seed: every sequence through the production workflow keeps the
// invariants of simulator/fuzz/invariants.ts. The suite runs 20 short ones (the first 20 of what it
// ran before: 50 cost a minute of the suite's time); `npm run fuzz` runs 100 of up to 20 commands
// from a new seed each time, and `npm run fuzz -- --runs N --seed S` any other amount.
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

test('20 random command sequences leave every subscription billing correctly (seed 20261203)', async () => {
  const summary = await fuzz(h, { runs: 20, seed: 20261203, maxCommands: 6 });
  if (summary.failure) throw new Error(summary.failure);
  expect(summary.sequences).toBe(20);
  // The sequences did reach every kind of answer: accepted, refused, declined.
  expect(Object.keys(summary.answers).sort()).toEqual(expect.arrayContaining(['200', '402', '409']));
}, 600_000);
