// `npm run histories:export [-- <scenario> …]`: runs the lifecycle scenarios in
// test/histories/scenarios/ with the production workflow and activities on the time-skipping test
// server and saves the history of every run of each subscription's continue-as-new chain to
// test/histories/<scenario>-<run>.json, which test/replay/ replays against the current code.
// Re-export only after a deliberate, versioned workflow change, never to make a replay failure go away.
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '../simulator/history-json';
import type { RecordedRun } from '../simulator/histories';
import { fetchRunChain, historyFileName, parseHistoryFileName } from '../simulator/histories';
import { simulate } from '../simulator/run';
import { readScenario, ScenarioError } from '../simulator/scenario';

const HISTORIES_DIR = path.resolve(__dirname, '..', 'test', 'histories');
const SCENARIOS_DIR = path.join(HISTORIES_DIR, 'scenarios');

function scenarioNames(requested: string[]): string[] {
  const all = readdirSync(SCENARIOS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
  const unknown = requested.filter((name) => !all.includes(name));
  if (unknown.length > 0) throw new ScenarioError(`no such scenario in ${SCENARIOS_DIR}: ${unknown.join(', ')}`);
  return requested.length > 0 ? requested : all;
}

/** Replaces the scenario's files: a rerun with fewer runs leaves no stale history behind. */
function save(name: string, runs: RecordedRun[]): number {
  for (const file of readdirSync(HISTORIES_DIR)) {
    if (parseHistoryFileName(file)?.scenario === name) rmSync(path.join(HISTORIES_DIR, file));
  }
  let bytes = 0;
  runs.forEach((run, index) => {
    const file = path.join(HISTORIES_DIR, historyFileName(name, index));
    writeFileSync(file, `${historyToJSON(run.history)}\n`);
    bytes += statSync(file).size;
  });
  return bytes;
}

async function exportScenario(name: string): Promise<void> {
  const started = Date.now();
  const scenario = readScenario(path.join(SCENARIOS_DIR, `${name}.json`));
  let runs: RecordedRun[] = [];
  const timeline = await simulate(scenario, {
    onFinish: async (h, workflowId) => {
      runs = await fetchRunChain(h.env.client.workflow, workflowId);
    },
  });
  // A refused command records a history that does not show what the scenario is named for.
  const refused = timeline.commands.filter((c) => c.status >= 400);
  if (refused.length > 0) {
    throw new ScenarioError(`${name}: commands refused: ${refused.map((c) => `${c.at} ${c.type} ${c.status} ${c.detail ?? ''}`).join('; ')}`);
  }
  const bytes = save(name, runs);
  const events = runs.reduce((sum, run) => sum + (run.history.events?.length ?? 0), 0);
  const statuses = timeline.statusChanges.map((c) => c.to).join(' → ');
  console.log(
    `${name}: ${runs.length} runs, ${events} events, ${(bytes / 1024).toFixed(0)} KiB in ${((Date.now() - started) / 1000).toFixed(1)} s; ${statuses}`,
  );
}

async function main(): Promise<void> {
  for (const name of scenarioNames(process.argv.slice(2))) await exportScenario(name);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof ScenarioError ? error.message : error);
    process.exit(error instanceof ScenarioError ? 2 : 1);
  },
);
