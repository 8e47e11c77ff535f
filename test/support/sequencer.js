// Runs the longest test files first, so on a fresh clone (no timing cache yet) the three workers do
// not end with one of them alone on a long file. After the first run Jest's own timings take over.
const Sequencer = require('@jest/test-sequencer').default;

// Measured (2026-12-07, 2-core AMD EPYC): the files that take 18-36 s, longest first. Most are short
// files, which Jest's fallback order (largest file first) would leave to the end.
const LONGEST_FIRST = [
  'replay/patched.test.ts',
  'integrity/fuzz.test.ts',
  'lifecycle/cancel-pause.test.ts',
  'simulator/cli.test.ts',
  'lifecycle/upsell.test.ts',
  'importer/import-rows.test.ts',
  'simulator/simulate.test.ts',
  'lifecycle/deliveries.test.ts',
  'replay/rule-version.test.ts',
  'integrity/one-task.test.ts',
  'browser/portal.test.ts',
  'payments/pending-payments.test.ts',
  'portal/commands.test.ts',
  'webhooks/reliability.test.ts',
  'lifecycle/three-years.test.ts',
];

const rank = (test) => {
  const index = LONGEST_FIRST.findIndex((suffix) => test.path.endsWith(suffix));
  return index === -1 ? LONGEST_FIRST.length : index;
};

class LongestFirstSequencer extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
