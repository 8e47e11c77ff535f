// Resident memory of another process, from /proc (Linux): the worker's own footprint, not the
// bench's.
import { readFile } from 'node:fs/promises';

/** VmRSS of `pid` in bytes, or null where /proc is not available. */
export async function rssBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

export const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
