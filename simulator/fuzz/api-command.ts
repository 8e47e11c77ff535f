// The base of the fuzz's API commands (commands.ts, catalogue-commands.ts): what every command
// does around its request (wait for the workflow to settle, guard against a stall, record the
// answer) and which answers a valid command may get.
import { setTimeout as sleep } from 'node:timers/promises';
import type fc from 'fast-check';
import request from 'supertest';
import type { Express } from 'express';
import type { Harness } from '../environment';
import type { WorkflowWatch } from '../health';

export interface FuzzReal {
  h: Harness;
  app: Express;
  subscriptionId: string;
  /** Every answer the API gave, in order. */
  answers: Array<{ command: string; status: number; detail?: string }>;
  /** How many updates and signals the API has sent to Temporal so far (see countingClient). */
  temporalCalls: () => number;
  /** Waits on the workflow, giving up (rather than hanging) when it fails, stalls or does not settle. */
  watch: WorkflowWatch;
}

/** The model only counts: the engine, not the model, decides what each command does. */
export interface FuzzModel {
  commands: number;
}

/** Answers a valid command may get: done, accepted (a signal), declined card, refused by the lifecycle rules. */
const ALLOWED = new Set([200, 201, 202, 402, 409]);

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Real time a request or a move of the clock may take before the workflow counts as stalled. */
const STALLED_AFTER_MS = 60_000;

/** Waits until the subscription's workflow is quiet; fails the sequence, naming why, when it is not healthy. */
export async function settle(real: FuzzReal): Promise<void> {
  const health = await real.watch.settle();
  if (!health.ok) throw new Error(`the workflow did not settle: ${health.reason}`);
}

/** Runs `work` unless the workflow fails or stalls meanwhile, which fails the sequence instead of hanging it. */
export async function guarded<T>(real: FuzzReal, what: string, work: () => Promise<T>): Promise<T> {
  const outcome = await real.watch.guard(work, { timeoutMs: STALLED_AFTER_MS, what });
  if (!outcome.ok) throw new Error(`${what}: ${outcome.reason}`);
  return outcome.value;
}

/** Waits (polling) until `done` holds; a sync point with the API, not a timed wait. */
export async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

export const path = (real: FuzzReal, suffix: string) => `/subscriptions/${real.subscriptionId}${suffix}`;

export abstract class ApiCommand implements fc.AsyncCommand<FuzzModel, FuzzReal> {
  check(): boolean {
    return true;
  }

  /** Reads what the command needs to know (an open offer's id) while the worker still answers queries. */
  async prepare(_real: FuzzReal): Promise<void> {}

  abstract send(real: FuzzReal): Promise<request.Response>;
  abstract toString(): string;

  async run(model: FuzzModel, real: FuzzReal): Promise<void> {
    model.commands += 1;
    trace(real, `${this.toString()}…`);
    await settle(real);
    await this.prepare(real);
    record(real, this.toString(), await guarded(real, this.toString(), () => Promise.resolve(this.send(real))));
  }
}

/** With FUZZ_TRACE set, every command and answer goes to stderr as it happens. */
export function trace(real: FuzzReal, line: string): void {
  if (process.env.FUZZ_TRACE) console.error(`  ${real.subscriptionId} ${line}`);
}

export function record(real: FuzzReal, command: string, res: request.Response): void {
  const detail = res.status >= 400 ? String((res.body as { detail?: unknown }).detail ?? '') : undefined;
  trace(real, `${command} → ${res.status}${detail ? ` (${detail})` : ''}`);
  real.answers.push({ command, status: res.status, ...(detail ? { detail } : {}) });
  if (!ALLOWED.has(res.status)) throw new Error(`${command} answered ${res.status}${detail ? `: ${detail}` : ''}`);
}

export const post = (real: FuzzReal, suffix: string, body: object = {}) => request(real.app).post(path(real, suffix)).send(body);
