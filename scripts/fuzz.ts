// `npm run fuzz -- [--runs N] [--seed S] [--commands C]`: random command sequences through the
// production workflow, activities and API on Temporal's time-skipping server (simulator/fuzz/),
// each checked against the billing invariants. Prints a summary; exits 1 on a violation, with the
// shrunk counterexample and how to replay it.
import { parseArgs } from 'node:util';
import { throwawayDatabase } from '../simulator/database';
import { startEnvironment } from '../simulator/environment';
import { fuzz } from '../simulator/fuzz/run';

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    console.error(`--${name} must be a whole number of at least 1, got ${value}`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, commands: { type: 'string' } } });
  const runs = positive('runs', values.runs, 100);
  const seed = positive('seed', values.seed, Date.now() % 1_000_000_007);
  const maxCommands = positive('commands', values.commands, 20);
  console.error(`fuzz: ${runs} sequences of up to ${maxCommands} commands, seed ${seed}`);
  const h = await startEnvironment({ database: throwawayDatabase, restartableWorker: true });
  try {
    const summary = await fuzz(h, {
      runs,
      seed,
      maxCommands,
      onSequence: (sequence, commands) => {
        if (sequence % 10 === 0) console.error(`  ${sequence} sequences, latest with ${commands} commands`);
      },
    });
    const answers = Object.entries(summary.answers)
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
    console.log(
      [
        `sequences: ${summary.sequences} (${runs} asked, seed ${seed})`,
        `commands: ${summary.commands}`,
        `answers: ${answers}`,
        `final statuses: ${Object.entries(summary.finalStatuses).map(([status, count]) => `${status}: ${count}`).join(', ')}`,
        `violations: ${summary.failure ? 'yes' : 0}`,
        `time: ${(summary.durationMs / 1000).toFixed(1)} s`,
      ].join('\n'),
    );
    if (summary.failure) {
      console.log(`\n${summary.failure}`);
      process.exitCode = 1;
    }
  } finally {
    await h.teardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
