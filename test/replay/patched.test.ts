// The safe-change procedure, proven on the recorded histories with a real change to the command
// sequence: wait a minute before every charge (a new timer ahead of the chargeInvoice activity).
// Unguarded, it breaks every running subscription that has charged; behind patched() old histories
// replay as recorded while new executions take the new path.
import type { History } from '@temporalio/common/lib/proto-utils';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DefaultLogger } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { defaultPayloadConverter } from '@temporalio/common';
import { fetchRunChain } from '../../simulator/histories';
import { bundleWorkflows, installQuietRuntime, startEnvironment } from '../../simulator/environment';
import { createTestDatabase } from '../support/database';
import { testApp } from '../support/harness';
import { DAY, driver, newCustomer } from '../support/lifecycle';
import type { RecordedHistory } from '../support/replay';
import { recordedHistories, replay } from '../support/replay';
import type { WorkflowsCopy } from '../support/workflows-copy';
import { copyWorkflows } from '../support/workflows-copy';

const PATCH_ID = 'wait-before-charging';
const CHARGE = /^(\s*)(const result = await activities\.chargeInvoice\b)/m;

/** workflows/entity.ts with `statement` run just before each charge. */
function beforeCharging(statement: string) {
  return (source: string) => {
    if (!CHARGE.test(source)) throw new Error('workflows/entity.ts no longer starts a charge with `const result = await activities.chargeInvoice`: update CHARGE');
    return `import { patched as proofPatched, sleep as proofSleep } from '@temporalio/workflow';\n${source.replace(CHARGE, `$1${statement}\n$1$2`)}`;
  };
}

const charges = (history: History) => (history.events ?? []).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'chargeInvoice');

const histories = recordedHistories();
const copies: WorkflowsCopy[] = [];
let unguarded: WorkflowBundleWithSourceMap;
let guarded: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  // Core logs every expected nondeterminism failure below as a warning; only errors are news here.
  installQuietRuntime({ logger: new DefaultLogger('WARN'), telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } } });
  copies.push(copyWorkflows({ 'entity.ts': beforeCharging(`await proofSleep('1 minute');`) }));
  copies.push(copyWorkflows({ 'entity.ts': beforeCharging(`if (proofPatched('${PATCH_ID}')) await proofSleep('1 minute');`) }));
  // One at a time: webpack is CPU-bound.
  unguarded = await bundleWorkflows(copies[0]!.workflowsPath);
  guarded = await bundleWorkflows(copies[1]!.workflowsPath);
});
afterAll(() => {
  for (const copy of copies) copy.remove();
});

test('the unguarded change fails replay with a determinism error for exactly the histories that charged', async () => {
  const outcomes = await replay(unguarded, histories);
  const charged = histories.filter(({ history }) => charges(history)).map(({ file }) => file);
  const failed = [...outcomes].filter(([, error]) => error !== undefined).map(([file]) => file);
  expect(charged.length).toBeGreaterThan(histories.length / 2);
  expect(failed).toEqual(charged);
  for (const file of failed) {
    expect(outcomes.get(file)).toBeInstanceOf(DeterminismViolationError);
  }
});

test('the same change behind patched() replays every recorded history cleanly', async () => {
  const outcomes = await replay(guarded, histories);
  expect(outcomes.size).toBe(histories.length);
  expect([...outcomes].filter(([, error]) => error !== undefined).map(([file, error]) => `${file}: ${error!.message}`)).toEqual([]);
});

test('new executions of the patched code take the new path: patch marker, then the timer, then the charge', async () => {
  const h = await startEnvironment({ database: createTestDatabase, workflowBundle: guarded });
  try {
    const d = driver(h, testApp(h));
    // A trial: nothing is charged while the API waits for the subscription to open.
    expect((await d.create({ id: 'patched', customer: newCustomer('patched'), plan: 'business-monthly', paymentMethod: 'pm_card_visa' })).status).toBe('trialing');
    await d.advance(15 * DAY);
    await d.until('patched', (s) => s.status === 'active' && s.latestInvoice?.status === 'paid', 'the trial to convert');

    const runs = await fetchRunChain(h.env.client.workflow, 'subscription-patched');
    const events = runs.flatMap(({ history }) => history.events ?? []);
    const patchMarker = events.findIndex((e) => {
      const marker = e.markerRecordedEventAttributes;
      const payload = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0] : undefined;
      return payload !== undefined && defaultPayloadConverter.fromPayload<{ id: string }>(payload).id === PATCH_ID;
    });
    const timer = events.findIndex((e, i) => i > patchMarker && String(e.timerStartedEventAttributes?.startToFireTimeout?.seconds) === '60');
    const charge = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'chargeInvoice');
    expect(patchMarker).toBeGreaterThanOrEqual(0);
    expect(timer).toBeGreaterThan(patchMarker);
    expect(charge).toBeGreaterThan(timer);

    const recorded: RecordedHistory[] = runs.map(({ runId, history }) => ({ file: runId, history }));
    expect([...(await replay(guarded, recorded)).values()]).toEqual(recorded.map(() => undefined));
  } finally {
    await h.teardown();
  }
});
