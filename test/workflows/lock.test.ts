// The workflow lock is a mutex, and fair: steps that wait for it in the same activation run one at
// a time, in the order they arrived. (A flag guarded by `condition(() => !held)` released every
// waiter of an activation at once.)
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../../simulator/environment';
import { testServerExecutable } from '../../infra/tools';
import { enter, lockProbe } from './fixtures/lock-probe';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  installQuietRuntime();
  env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
});
afterAll(async () => {
  await env?.teardown();
});

test('steps waiting for the lock in one activation run one at a time, first come first served', async () => {
  const taskQueue = 'lock-probe';
  // Started and signalled before any worker polls: the start and all three signals reach the
  // workflow in its first activation.
  const handle = await env.client.workflow.start(lockProbe, { taskQueue, workflowId: 'lock-probe', args: [3] });
  for (const name of ['a', 'b', 'c']) await handle.signal(enter, name);

  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: path.join(__dirname, 'fixtures', 'lock-probe.ts'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never }),
  });
  const events = await worker.runUntil(handle.result());
  expect(events).toEqual(['a in (1 inside)', 'a out', 'b in (1 inside)', 'b out', 'c in (1 inside)', 'c out']);
});
