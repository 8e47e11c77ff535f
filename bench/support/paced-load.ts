// An open-loop load at a fixed rate: requests evenly spaced in time, whatever the answers do.
// autocannon's rate option is not that: each connection sends its share of a second back to back
// at the second's start, so "100 a second on 10 connections" arrives as a burst of 100, ten at a
// time, then a pause; its latencies are that burst's queue. Here each latency runs from the moment
// its request was due, so a request that waited for a free connection counts the wait too (no
// coordinated omission).
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile } from './report';

export interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedOptions {
  /** Requests a second, one every 1000 / rate ms. */
  rate: number;
  seconds: number;
  /** Keep-alive connections at most; a request due while all are busy waits for one. */
  connections: number;
  /** The `index`th request of the run. */
  request: (index: number) => PacedRequest;
  timeoutMs?: number;
  /** Where the pacing reads the time and waits; the real clock unless a test moves its own. */
  clock?: PacedClock;
}

export interface PacedClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacedClock = { now: () => performance.now(), sleep: (ms) => sleep(ms) };

export interface PacedResult {
  sent: number;
  /** Answers by HTTP status. */
  statuses: Record<number, number>;
  non2xx: number;
  /** Requests that got no answer (connection error, timeout). */
  errors: number;
  /** From the first request due to the last answer. */
  seconds: number;
  /** Milliseconds from due to answered. */
  latency: { p50: number; p90: number; p99: number; max: number };
  /** How many answers took longer than `ms`. */
  slowerThan(ms: number): number;
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

export async function pacedLoad(baseUrl: string, options: PacedOptions): Promise<PacedResult> {
  const clock = options.clock ?? realClock;
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;

  const send = (index: number, due: number) =>
    new Promise<void>((resolve) => {
      const { method, path, headers, body } = options.request(index);
      const request = http.request({ agent, host: url.hostname, port: url.port, method, path, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) } }, (response) => {
        response.resume();
        response.on('end', () => {
          latencies.push(clock.now() - due);
          const status = response.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          resolve();
        });
      });
      request.setTimeout(options.timeoutMs ?? 60_000, () => request.destroy(new Error('no answer in time')));
      request.on('error', () => {
        errors += 1;
        resolve();
      });
      request.end(body);
    });

  const interval = 1000 / options.rate;
  const total = Math.round(options.rate * options.seconds);
  const inFlight: Array<Promise<void>> = [];
  const start = clock.now();
  try {
    for (let index = 0; index < total; index += 1) {
      const due = start + index * interval;
      const early = due - clock.now();
      if (early >= 1) await clock.sleep(early);
      inFlight.push(send(index, due));
    }
    await Promise.all(inFlight);
  } finally {
    agent.destroy();
  }
  const sorted = latencies.sort((a, b) => a - b);
  const non2xx = Object.entries(statuses).reduce((sum, [status, count]) => (Number(status) >= 200 && Number(status) < 300 ? sum : sum + count), 0);
  return {
    sent: total,
    statuses,
    non2xx,
    errors,
    seconds: (clock.now() - start) / 1000,
    latency: { p50: round1(percentile(sorted, 50)), p90: round1(percentile(sorted, 90)), p99: round1(percentile(sorted, 99)), max: round1(sorted.at(-1) ?? Number.NaN) },
    slowerThan: (ms) => sorted.filter((latency) => latency > ms).length,
  };
}
