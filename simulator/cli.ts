// `npm run simulate -- <scenario.json> [more.json …] [--json]` as a function of its arguments:
// writes the report (tables, or JSON with --json) and answers the exit code. 0: every scenario
// ran; 1: the engine failed under one (its workflow failed or got stuck, the API answered 5xx or
// not at all), reported with the timeline so far; 2: a scenario cannot run: usage or an invalid
// file, found before anything runs, or an opening the API refused (an unknown plan), after which
// the other scenarios still run. 1 outweighs 2. Many scenarios run one after another in one warm
// process: one PostgreSQL server, one migrated template database, one workflow bundle; each scenario gets
// its own copy of the database and its own time-skipping server (each has its own clock).
import { databasePool } from './database';
import { SimulationError } from './failure';
import { formatTimeline } from './report';
import type { SimulationOptions } from './run';
import { simulate } from './run';
import type { Scenario } from './scenario';
import { readScenario, ScenarioError } from './scenario';

export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const USAGE = 'usage: npm run simulate -- <scenario.json> [more.json …] [--json]   (examples in examples/scenarios/)';

/** How one scenario of a run ended, for the summary and the exit code. */
interface Outcome {
  file: string;
  /** 0: ran; 1: the engine failed under it; 2: it could not run. */
  code: 0 | 1 | 2;
  seconds: number;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** `options` reach `simulate` as they are (tests inject failures into the environment so). */
export async function simulateCommand(
  args: string[],
  output: CommandOutput = process,
  options: Omit<SimulationOptions, 'onStep' | 'onFinish' | 'database'> = {},
): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    output.stderr.write(`${USAGE}\n`);
    return 2;
  }
  // Every file is read first: a bad one is refused before any scenario runs.
  const scenarios: Array<{ file: string; scenario: Scenario }> = [];
  const refused: string[] = [];
  for (const file of files) {
    try {
      scenarios.push({ file, scenario: readScenario(file) });
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      refused.push(error.message);
    }
  }
  if (refused.length > 0) {
    output.stderr.write(`${refused.join('\n')}\n`);
    return 2;
  }

  const many = scenarios.length > 1;
  const pool = databasePool();
  const outcomes: Outcome[] = [];
  const reports: unknown[] = [];
  try {
    for (const { file, scenario } of scenarios) {
      if (many && !json) output.stderr.write(`${file}\n`);
      const started = Date.now();
      const report = (timeline: Parameters<typeof formatTimeline>[0]) => {
        if (!json) output.stdout.write(formatTimeline(timeline));
        else if (many) reports.push({ file, seconds: seconds(Date.now() - started), timeline });
        else output.stdout.write(`${JSON.stringify(timeline, null, 2)}\n`);
      };
      try {
        const timeline = await simulate(scenario, { ...options, database: () => pool.database(), onStep: json ? undefined : (message) => output.stderr.write(`  ${message}\n`) });
        report(timeline);
        outcomes.push({ file, code: 0, seconds: seconds(Date.now() - started) });
        if (!json) output.stderr.write(`simulated ${scenario.start} → ${scenario.until} in ${seconds(Date.now() - started).toFixed(1)} s\n`);
      } catch (error) {
        // Refused by the API when it opened (an unknown plan, say): the scenarios after it still run.
        if (error instanceof ScenarioError) {
          output.stderr.write(`${many ? `${file}: ` : ''}${error.message}\n`);
          const took = seconds(Date.now() - started);
          outcomes.push({ file, code: 2, seconds: took });
          if (json && many) reports.push({ file, seconds: took, refused: error.message });
          continue;
        }
        if (!(error instanceof SimulationError)) throw error;
        report(error.timeline);
        outcomes.push({ file, code: 1, seconds: seconds(Date.now() - started) });
        output.stderr.write(`${many ? `${file}: ` : ''}${error.message}\n`);
      }
    }
  } finally {
    await pool.close();
  }
  if (json && many) output.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  if (many) output.stderr.write(summary(outcomes));
  // An engine failure outweighs a scenario that could not run.
  return outcomes.some((outcome) => outcome.code === 1) ? 1 : outcomes.some((outcome) => outcome.code === 2) ? 2 : 0;
}

/** Each scenario's outcome and wall time: the first pays for the start (server, template, bundle). */
function summary(outcomes: Outcome[]): string {
  const width = Math.max(...outcomes.map((outcome) => outcome.file.length), 'scenario'.length);
  const rows = outcomes.map((o) => `${o.file.padEnd(width)}  ${['ran', 'failed', 'refused'][o.code]!.padEnd(7)}  ${o.seconds.toFixed(1).padStart(6)} s`);
  const total = outcomes.reduce((sum, o) => sum + o.seconds, 0);
  return [`\n${'scenario'.padEnd(width)}  outcome  wall time`, ...rows, `${'all'.padEnd(width)}  ${''.padEnd(7)}  ${total.toFixed(1).padStart(6)} s`, ''].join('\n');
}
