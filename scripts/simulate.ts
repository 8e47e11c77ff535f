// `npm run simulate -- <scenario.json> [--json]`: a subscription's life, years of it in seconds,
// with the production workflow and activities on Temporal's time-skipping server.
import { formatTimeline } from '../simulator/report';
import { simulate } from '../simulator/run';
import { readScenario, ScenarioError } from '../simulator/scenario';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const files = args.filter((a) => !a.startsWith('--'));
  if (files.length !== 1) {
    console.error('usage: npm run simulate -- <scenario.json> [--json]   (examples in examples/scenarios/)');
    process.exit(2);
  }
  const scenario = readScenario(files[0]!);
  const started = Date.now();
  const timeline = await simulate(scenario, { onStep: json ? undefined : (message) => console.error(`  ${message}`) });
  if (json) {
    process.stdout.write(`${JSON.stringify(timeline, null, 2)}\n`);
  } else {
    process.stdout.write(formatTimeline(timeline));
    console.error(`simulated ${scenario.start} → ${scenario.until} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof ScenarioError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
