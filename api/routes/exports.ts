// Files for other systems. The ledger is streamed: a year of invoices is never held in memory.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { ledgerQuery } from '../schemas/exports';
import { ledgerCsv } from '../services/ledger-export';

/** `first`, already read, followed by the rest of `chunks`. */
async function* resumed(first: IteratorResult<string>, chunks: AsyncGenerator<string>): AsyncGenerator<string> {
  if (first.done) return;
  yield first.value;
  yield* chunks;
}

export function exportsRouter(deps: ApiDeps): Router {
  const router = Router();

  /** Invoices, credit notes, payments and refunds dated in [from, to], for a bookkeeping import (domain/ledger.ts). */
  router.get('/ledger', async (req, res) => {
    const range = ledgerQuery.parse(req.query);
    const chunks = ledgerCsv(deps.prisma, range);
    // Read before the status is sent, so that a database that does not answer is still a 503 problem.
    const first = await chunks.next();
    res.status(200).set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="ledger-${range.from}-${range.to}.csv"`,
    });
    try {
      await pipeline(Readable.from(resumed(first, chunks)), res);
    } catch (error) {
      // The client went away: nothing is wrong, and nobody is left to answer.
      if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
      throw error;
    }
  });

  return router;
}
