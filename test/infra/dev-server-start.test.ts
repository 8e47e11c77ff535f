// The test suite's dev server gives up on a server that exited instead of waiting out its 90 s,
// and starts it again when the exit was a port another process took meanwhile.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevServerStartError, startDevServer } from '../support/dev-server';

let dir: string;
const saved = process.env.TEMPORAL_CLI_PATH;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dev-server-start-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  if (saved === undefined) delete process.env.TEMPORAL_CLI_PATH;
  else process.env.TEMPORAL_CLI_PATH = saved;
});

/** A stand-in CLI that counts its starts and exits at once with `message` on stderr. */
function failingCli(message: string): { starts: () => number } {
  const counter = path.join(dir, 'starts');
  const cli = path.join(dir, 'temporal');
  writeFileSync(cli, `#!/bin/sh\necho x >> '${counter}'\necho '${message}' >&2\nexit 2\n`);
  chmodSync(cli, 0o755);
  process.env.TEMPORAL_CLI_PATH = cli;
  return { starts: () => readFileSync(counter, 'utf8').trim().split('\n').length };
}

test('a server whose port was taken as it started is started again, up to three times', async () => {
  const cli = failingCli('msg="Failed to start gRPC listener" error="listen tcp 127.0.0.1:45323: bind: address already in use"');
  const started = Date.now();
  const error = await startDevServer().catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DevServerStartError);
  expect(error).toMatchObject({ portTaken: true, exitCode: 2 });
  expect(cli.starts()).toBe(3);
  // Each exit is seen at once, not after the 90 s wait for a server to come up.
  expect(Date.now() - started).toBeLessThan(30_000);
});

test('a server that exits for another reason fails at once with its log, without a second start', async () => {
  const cli = failingCli('unknown flag: --headless');
  const error = await startDevServer().catch((caught: unknown) => caught);
  expect(error).toMatchObject({ portTaken: false, message: expect.stringContaining('unknown flag: --headless') });
  expect(cli.starts()).toBe(1);
});
