// CPU time spent by each part of the stack (Linux /proc): which process a create or a renewal
// really costs, so a slow figure points at its cause instead of at the whole machine.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fixed } from './report';

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime of the process itself, in clock ticks. */
  own: number;
  /** cutime + cstime: its children that have exited and been waited for. */
  reaped: number;
}

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may itself hold spaces or parentheses.
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const fields = text.slice(close + 2).split(' ');
    const num = (index: number) => Number(fields[index]);
    // Fields after comm, 0-based: state, ppid, …, utime (11), stime (12), cutime (13), cstime (14).
    return { pid, ppid: num(1), comm, own: num(11) + num(12), reaped: num(13) + num(14) };
  } catch {
    return null;
  }
}

function allProcesses(): ProcStat[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .map((name) => readStat(Number(name)))
      .filter((stat): stat is ProcStat => stat !== null);
  } catch {
    return [];
  }
}

/** A part of the stack: a named process tree, or the descendants of this process with a given command name. */
export type CpuGroup = { name: string; pid: number } | { name: string; comm: string };

export type CpuSample = Record<string, number>;

/** CPU seconds used so far by each group (and by this process, under "bench"); empty off Linux. */
export function sampleCpu(groups: readonly CpuGroup[]): CpuSample {
  const processes = allProcesses();
  if (processes.length === 0) return {};
  const byPid = new Map(processes.map((stat) => [stat.pid, stat]));
  const rootOf = (stat: ProcStat): string | undefined => {
    for (let current: ProcStat | undefined = stat; current; current = byPid.get(current.ppid)) {
      const group = groups.find((candidate) => 'pid' in candidate && candidate.pid === current?.pid);
      if (group) return group.name;
      if (current.pid === process.pid || current.ppid <= 1) break;
    }
    return undefined;
  };
  const isDescendant = (stat: ProcStat): boolean => {
    for (let current = byPid.get(stat.ppid); current; current = byPid.get(current.ppid)) {
      if (current.pid === process.pid) return true;
      if (current.ppid <= 1) break;
    }
    return false;
  };
  const sample: CpuSample = {};
  const add = (name: string, ticks: number) => {
    sample[name] = (sample[name] ?? 0) + ticks / TICKS_PER_SECOND;
  };
  for (const group of groups) sample[group.name] = 0;
  for (const stat of processes) {
    const tree = rootOf(stat);
    if (tree) {
      // A tree's root also carries its reaped children; its live children count themselves.
      const isRoot = groups.some((group) => 'pid' in group && group.pid === stat.pid);
      add(tree, stat.own + (isRoot ? stat.reaped : 0));
      continue;
    }
    const named = groups.find((group) => 'comm' in group && group.comm === stat.comm);
    if (named && isDescendant(stat)) add(named.name, stat.own + stat.reaped);
  }
  const self = process.cpuUsage();
  sample.bench = (self.user + self.system) / 1e6;
  return sample;
}

/** CPU seconds each group used between two samples. */
export function cpuBetween(before: CpuSample, after: CpuSample): CpuSample {
  return Object.fromEntries(Object.entries(after).map(([name, seconds]) => [name, seconds - (before[name] ?? 0)]));
}

/** CPU milliseconds per subscription by process, on one line: where each one's cost goes. */
export function cpuPer(cpu: CpuSample, count: number): string {
  if (count === 0 || Object.keys(cpu).length === 0) return 'n/a';
  const ms = (seconds: number) => fixed((seconds * 1000) / count);
  const total = Object.values(cpu).reduce((sum, value) => sum + value, 0);
  return `${ms(total)} ms (${Object.entries(cpu)
    .filter(([, value]) => value > 0)
    .map(([name, value]) => `${name} ${ms(value)}`)
    .join(' · ')})`;
}

/** A bench stack's parts: the dev server, every PostgreSQL process, the worker and the API. */
export function stackCpuGroups(temporalPid: number, workerPid: number, apiPid: number): CpuGroup[] {
  return [
    { name: 'Temporal', pid: temporalPid },
    { name: 'PostgreSQL', comm: 'postgres' },
    { name: 'worker', pid: workerPid },
    { name: 'API', pid: apiPid },
  ];
}
