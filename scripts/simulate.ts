// `npm run simulate -- <scenario.json> [--json]`: a subscription's life, years of it in seconds,
// with the production workflow and activities on Temporal's time-skipping server. Exit code 0 when
// the scenario ran, 1 when the engine failed under it (the report says where and why), 2 for a bad
// scenario file.
import { simulateCommand } from '../simulator/cli';

simulateCommand(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
