import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { livePidFrom, stopPid } from '../../infra/processes';

describe('livePidFrom: a server left running by a run that was killed', () => {
  let dir: string;
  let child: ChildProcess;

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pid-file-'));
    // Stands for the orphaned server: its command line names a file under the data directory.
    child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', path.join(dir, 'server.yaml')], { stdio: 'ignore' });
  });

  afterEach(async () => {
    await stopPid(child.pid!, 'SIGKILL', 1000);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds the process its pid file names while it runs with the data directory on its command line', async () => {
    const pidFile = path.join(dir, 'temporal-server.pid');
    writeFileSync(pidFile, String(child.pid));
    expect(livePidFrom(pidFile, dir)).toBe(child.pid);
    await stopPid(child.pid!, 'SIGTERM', 5000);
    expect(livePidFrom(pidFile, dir)).toBeUndefined();
  });

  it('leaves alone a pid reused by a process of something else', () => {
    const pidFile = path.join(dir, 'temporal-server.pid');
    writeFileSync(pidFile, String(child.pid));
    expect(livePidFrom(pidFile, path.join(os.tmpdir(), 'another-data-dir'))).toBeUndefined();
  });

  it('finds nothing without a pid file, or with one that holds no pid', () => {
    expect(livePidFrom(path.join(dir, 'missing.pid'), dir)).toBeUndefined();
    writeFileSync(path.join(dir, 'empty.pid'), '');
    expect(livePidFrom(path.join(dir, 'empty.pid'), dir)).toBeUndefined();
  });
});
