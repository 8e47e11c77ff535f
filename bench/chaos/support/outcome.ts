// One scenario's result: its figures as a bench table (bench/support/report.ts) plus whether every
// guarantee held. The table always leads with the four figures `npm run chaos` promises.
import type { BenchResult } from '../../support/report';
import { broken, type Figures } from './checks';

export interface ScenarioOutcome {
  result: BenchResult;
  /** Figures that should be zero and are not, and failed scenario-specific checks. */
  failures: string[];
}

export function outcome(title: string, trials: string, figures: Figures, extra: { rows?: BenchResult['rows']; notes?: string[]; failures?: string[] } = {}): ScenarioOutcome {
  return {
    result: {
      title,
      rows: [
        ['trials', trials],
        ['subscriptions lost (workflow failed or stuck)', String(figures.lostSubscriptions)],
        ['double charges', String(figures.doubleCharges)],
        ['missing or duplicate invoices', String(figures.missingInvoices + figures.duplicateInvoices)],
        ['duplicate emails', String(figures.duplicateEmails)],
        ['emails redelivered under the same Message-ID', String(figures.redeliveries)],
        ['missing emails', String(figures.missingEmails)],
        ['charges without invoice / paid invoices without charge', String(figures.unmatchedCharges)],
        ['invoices left unpaid', String(figures.unpaidInvoices)],
        ['subscriptions / invoices checked', `${figures.subscriptions} / ${figures.periodsBilled}`],
        ['emails checked at the SMTP peer', String(figures.emailsExpected)],
        ...(extra.rows ?? []),
      ],
      notes: extra.notes ?? [],
    },
    failures: [...broken(figures), ...(extra.failures ?? [])],
  };
}
