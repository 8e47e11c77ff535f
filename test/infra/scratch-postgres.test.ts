// Throwaway PostgreSQL servers (tests, simulations) trade durability for speed and live in RAM
// when there is room; what killed runs leave behind is removed, what a live server uses is not.
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { scratchDirectory } from '../../infra/embedded-postgres';
import { createTestDatabase, type TestDatabase } from '../support/database';

const run = promisify(execFile);
const prefix = `scratch-test-${process.pid}-`;
const created: string[] = [];

function scratchWithData(postmasterPid?: number, daysOld = 2): string {
  const directory = scratchDirectory(prefix);
  created.push(directory);
  mkdirSync(path.join(directory, 'data'));
  if (postmasterPid !== undefined) writeFileSync(path.join(directory, 'data', 'postmaster.pid'), `${postmasterPid}\n/data\n`);
  const then = new Date(Date.now() - daysOld * 86_400_000);
  utimesSync(directory, then, then);
  return directory;
}

afterAll(() => {
  for (const directory of created) rmSync(directory, { recursive: true, force: true });
});

test("a day-old scratch directory whose server is gone is removed when the next one is made", () => {
  const abandoned = scratchWithData();
  const crashedServer = scratchWithData(2 ** 22 + 1);
  created.push(scratchDirectory(prefix));
  expect(existsSync(abandoned)).toBe(false);
  expect(existsSync(crashedServer)).toBe(false);
});

test('a scratch directory is kept while its server runs, and for a day after it was made', () => {
  const running = scratchWithData(process.pid);
  const recent = scratchWithData(undefined, 0);
  const next = scratchDirectory(prefix);
  created.push(next);
  expect(existsSync(running)).toBe(true);
  expect(existsSync(recent)).toBe(true);
});

// A server given in TEST_DATABASE_ADMIN_URL keeps its own settings.
const embedded = process.env.TEST_DATABASE_SCRATCH === 'true';

(embedded ? describe : describe.skip)("the test suite's embedded server", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  test('does not wait for the disk (fsync and full-page writes off)', async () => {
    const settings = await db.prisma.$queryRaw<{ name: string; setting: string }[]>`
      SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit') ORDER BY name`;
    expect(settings).toEqual([
      { name: 'fsync', setting: 'off' },
      { name: 'full_page_writes', setting: 'off' },
      { name: 'synchronous_commit', setting: 'off' },
    ]);
  });
});

test('a server whose port is taken fails with an error that says so, not with nothing', async () => {
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as AddressInfo;
  const directory = scratchDirectory(prefix);
  created.push(directory);
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'start-postgres.ts'), String(port), path.join(directory, 'pg')]);
    const outcome = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(outcome).toMatchObject({ started: false, name: 'PostgresStartError', port, portTaken: true, message: expect.stringMatching(/could not bind|already in use/i) });
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});
