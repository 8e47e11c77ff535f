// The throttles' way to PostgreSQL, with a breaker: once a query fails (database down, query
// timed out), queries fail at once for the next few seconds. While the database is away, a
// request then pays no store timeout before the in-memory limits answer; one request per pause
// tries the database again.
import type pg from 'pg';

export interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

/** How long queries are skipped after one failed. */
export const BREAK_MS = 5_000;

export function breakerStore(store: Queryable, now: () => number = () => performance.now()): Queryable {
  let brokenUntil = -Infinity;
  return {
    async query(config) {
      if (now() < brokenUntil) throw new Error('rate-limit store skipped: a query failed in the last few seconds');
      try {
        return await store.query(config);
      } catch (error) {
        brokenUntil = now() + BREAK_MS;
        throw error;
      }
    },
  };
}
