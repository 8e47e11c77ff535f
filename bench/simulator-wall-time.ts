// Simulator wall time: years of monthly billing with a dunning episode each year, on the
// production workflow and activities with Temporal's time-skipping server (npm run simulate).
import type { History } from '@temporalio/common/lib/proto-utils';
import { fetchRunChain } from '../simulator/histories';
import { simulate } from '../simulator/run';
import { fixed, seconds, type BenchResult } from './support/report';
import { monthlyWithYearlyDunning } from './support/scenario';
import { intSetting } from './support/settings';

export interface SimulatorFigures {
  result: BenchResult;
  /** Every run of the simulated subscription's workflow, first run first (for the history bench). */
  runs: History[];
}

export async function simulatorWallTime(): Promise<SimulatorFigures> {
  const years = intSetting('BENCH_SIMULATOR_YEARS', 10);
  const scenario = monthlyWithYearlyDunning(years);
  let runs: History[] = [];
  let exportMs = 0;
  const started = Date.now();
  const timeline = await simulate(scenario, {
    onFinish: async (h, workflowId) => {
      const exportStarted = Date.now();
      runs = (await fetchRunChain(h.env.client.workflow, workflowId)).map((run) => run.history);
      exportMs = Date.now() - exportStarted;
    },
  });
  // Reading the histories back is for the history bench, not part of a simulation.
  const wallMs = Date.now() - started - exportMs;

  const refused = timeline.commands.filter((command) => command.status >= 400);
  if (refused.length > 0) throw new Error(`the simulator refused commands: ${JSON.stringify(refused)}`);
  const dunningEpisodes = timeline.statusChanges.filter((change) => change.to === 'past_due').length;
  if (dunningEpisodes !== years) throw new Error(`expected ${years} dunning episodes, the simulation had ${dunningEpisodes}`);
  const declined = timeline.payments.filter((payment) => payment.outcome === 'declined').length;
  return {
    runs,
    result: {
      title: `Simulator: ${years} years of monthly billing`,
      rows: [
        ['simulated', `${scenario.start.slice(0, 10)} → ${scenario.until.slice(0, 10)}`],
        ['invoices', String(timeline.invoices.length)],
        ['dunning episodes (declined charges)', `${dunningEpisodes} (${declined})`],
        ['emails', String(timeline.emails.length)],
        ['workflow runs (continue-as-new)', String(runs.length)],
        ['wall time', seconds(wallMs)],
        ['wall time per simulated year', seconds(wallMs / years)],
        ['simulated days per wall second', fixed((new Date(scenario.until).getTime() - new Date(scenario.start).getTime()) / 86_400_000 / (wallMs / 1000), 0)],
      ],
      notes: [
        'Pro monthly from mid-January; each March the card declines at renewal and at the first retry (+3 days), then a working card is given back and charged at once.',
        'Wall time includes starting the time-skipping server, a throwaway PostgreSQL and the worker (bundling), as `npm run simulate` does.',
      ],
    },
  };
}
