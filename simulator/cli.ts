// `npm run simulate -- <scenario.json> [--json]` as a function of its arguments: writes the
// report (tables, or JSON with --json) and answers the exit code. 0: the scenario ran; 1: the
// engine failed under it (its workflow failed or got stuck, the API answered 5xx or not at all),
// reported with the timeline so far; 2: the scenario cannot run (usage, an invalid file).
import { formatTimeline } from './report';
import { SimulationError } from './failure';
import type { SimulationOptions } from './run';
import { simulate } from './run';
import { readScenario, ScenarioError } from './scenario';

export interface CommandOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const USAGE = 'usage: npm run simulate -- <scenario.json> [--json]   (examples in examples/scenarios/)';

/** `options` reach `simulate` as they are (tests inject failures into the environment so). */
export async function simulateCommand(
  args: string[],
  output: CommandOutput = process,
  options: Omit<SimulationOptions, 'onStep' | 'onFinish'> = {},
): Promise<number> {
  const json = args.includes('--json');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    output.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const report = (timeline: Parameters<typeof formatTimeline>[0]) =>
    output.stdout.write(json ? `${JSON.stringify(timeline, null, 2)}\n` : formatTimeline(timeline));
  try {
    const scenario = readScenario(files[0]!);
    const started = Date.now();
    const timeline = await simulate(scenario, { ...options, onStep: json ? undefined : (message) => output.stderr.write(`  ${message}\n`) });
    report(timeline);
    if (!json) output.stderr.write(`simulated ${scenario.start} → ${scenario.until} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError) {
      output.stderr.write(`${error.message}\n`);
      return 2;
    }
    if (error instanceof SimulationError) {
      report(error.timeline);
      output.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
