import { z } from 'zod';

/** A year, leap day included: a bigger export is asked for in parts. */
export const MAX_LEDGER_DAYS = 366;

const DAY_MS = 86_400_000;

/** A calendar date (UTC); the ledger covers whole days. */
const day = z.iso.date('must be a date as YYYY-MM-DD, such as 2026-01-31');

const daysFromTo = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;

export const ledgerQuery = z
  .strictObject({
    /** The first day exported. */
    from: day,
    /** The last day exported, itself included. */
    to: day,
  })
  .superRefine(({ from, to }, ctx) => {
    if (to < from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be on or after from (${from})` });
    } else if (daysFromTo(from, to) > MAX_LEDGER_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the export covers at most ${MAX_LEDGER_DAYS} days: ask for ${from} to ${to} in parts` });
    }
  });

export type LedgerQuery = z.infer<typeof ledgerQuery>;
