// Runs the longest test files first, so on a fresh clone (no timing cache yet) the two workers do
// not end with one of them alone on a long file. After the first run Jest's own timings take over.
const Sequencer = require('@jest/test-sequencer').default;

const LONGEST_FIRST = ['integrity/fuzz.test.ts', 'lifecycle/cancel-pause.test.ts', 'webhooks/reliability.test.ts', 'simulator/cli.test.ts'];

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
