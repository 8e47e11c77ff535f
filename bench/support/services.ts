// Child processes of the bench (worker, API, dev server): started with their output kept aside
// (shown only if they fail), ready when a line of theirs matches, stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
const KEPT_LINES = 40;
const PROBLEM = /warn|error|fatal|exception/i;

export interface Service {
  name: string;
  pid: number;
  /** The last lines it printed, for error messages. */
  tail(): string;
  /** The last warning and error lines it printed (info lines would bury them in tail()). */
  problems(): string[];
  stop(): Promise<void>;
  /** Settles when the process has exited, with how it ended (the chaos runner checks clean exits). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServiceOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** A line that says it is ready; without one it is ready once spawned. */
  ready?: RegExp;
  readyTimeoutMs?: number;
}

function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startService(options: ServiceOptions): Promise<Service> {
  // The IPC channel makes node services stop on their own if the bench dies (infra/parent.ts).
  const child = spawn(options.command, options.args, {
    cwd: ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe', ...(options.command === process.execPath ? ['ipc' as const] : [])],
  });
  const lines: string[] = [];
  const problemLines: string[] = [];
  const tail = () => lines.join('\n');
  let onLine: (line: string) => void = () => undefined;
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        if (lines.length > KEPT_LINES) lines.shift();
        if (PROBLEM.test(line)) problemLines.push(line);
        if (problemLines.length > KEPT_LINES) problemLines.shift();
        onLine(line);
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const service: Service = { name: options.name, pid: child.pid ?? -1, tail, problems: () => [...problemLines], stop: () => stopChild(child), exited };
  if (!options.ready) return service;

  const ready = options.ready;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.name} not ready within ${options.readyTimeoutMs ?? 120_000} ms`)), options.readyTimeoutMs ?? 120_000);
    const exited = (code: number | null) => fail(new Error(`${options.name} exited (${code}) before it was ready`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.off('exit', exited);
      void stopChild(child).then(() => reject(new Error(`${error.message}\n--- ${options.name} output ---\n${tail()}`)));
    }
    onLine = (line) => {
      if (!ready.test(line)) return;
      clearTimeout(timer);
      child.off('exit', exited);
      onLine = () => undefined;
      resolve();
    };
    child.once('exit', exited);
  });
  return service;
}

/** A TypeScript entry of this project run by node with tsx, as `npm run worker` does. */
export function startNodeService(name: string, entry: string, env: NodeJS.ProcessEnv, ready: RegExp): Promise<Service> {
  // BENCH_CPU_PROFILE_DIR: each service writes a V8 CPU profile there when it stops (open it in
  // Chrome DevTools or speedscope) to see where a figure's time went.
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];
  return startService({ name, command: process.execPath, args: [...profile, '--import', 'tsx', path.join(ROOT, entry)], env, ready });
}
