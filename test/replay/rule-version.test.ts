// The safe-change procedure for amount rules (domain/rules.ts), proven on the recorded histories
// with a real change of amounts: every plan line one cent dearer. Replay compares amounts, not only
// commands: unguarded, the change makes every history that issued an invoice fail (the replayed
// draft disagrees with the invoice recorded); behind a rule version, old histories replay as
// recorded while subscriptions started at the new version bill the new amount.
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { RULES_VERSION } from '../../domain/rules';
import { createTestDatabase } from '../support/database';
import { bundleWorkflows, eventually, querySubscription, startEnvironment } from '../../simulator/environment';
import { plan, startSubscription } from '../support/fixtures';
import type { RecordedHistory } from '../support/replay';
import { recordedHistories, replay } from '../support/replay';
import type { WorkflowsCopy } from '../support/workflows-copy';
import { copyWorkflows } from '../support/workflows-copy';

const PLAN_LINE = /planLine\(state\.plan, state\.currentPeriod, prorate\(state\.plan\.amountCents, calendar, state\.currentPeriod\.start\)\)/;

/** domain/collection.ts with the plan line of period invoices raised by `extra` (an expression of `state`). */
function dearerPlanLine(extra: string) {
  return (source: string) => {
    if (!PLAN_LINE.test(source)) throw new Error('domain/collection.ts no longer builds the plan line as PLAN_LINE says: update it');
    return source.replace(PLAN_LINE, (line) => line.replace(/\)\)$/, `) + (${extra}))`));
  };
}

/** Whether the history issued a period invoice (a local activity issueInvoice whose result bills a period). */
function issuesPeriodInvoice(history: History): boolean {
  return (history.events ?? []).some((event) => {
    const details = event.markerRecordedEventAttributes?.details;
    const data = details?.data?.payloads?.[0];
    const result = details?.result?.payloads?.[0];
    if (!data || !result) return false;
    const { activity_type: activityType } = defaultPayloadConverter.fromPayload<{ activity_type?: string }>(data) ?? {};
    if (activityType !== 'issueInvoice') return false;
    const { billingReason } = defaultPayloadConverter.fromPayload<{ billingReason?: string } | undefined>(result) ?? {};
    return billingReason === 'subscription_create' || billingReason === 'subscription_cycle';
  });
}

/** The version the proven change is made at: the one after the current rules. */
const NEXT_VERSION = RULES_VERSION + 1;

const histories = recordedHistories();
const copies: WorkflowsCopy[] = [];
let unguarded: WorkflowBundleWithSourceMap;
let guarded: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  copies.push(copyWorkflows({ 'domain/collection.ts': dearerPlanLine('1') }));
  copies.push(
    copyWorkflows({
      'domain/collection.ts': dearerPlanLine(`state.rules >= ${NEXT_VERSION} ? 1 : 0`),
      'domain/rules.ts': (source) => {
        const current = `export const RULES_VERSION = ${RULES_VERSION};`;
        if (!source.includes(current)) throw new Error('domain/rules.ts no longer declares RULES_VERSION as this test expects: update it');
        return source.replace(current, `export const RULES_VERSION = ${NEXT_VERSION};`);
      },
    }),
  );
  unguarded = await bundleWorkflows(copies[0]!.workflowsPath);
  guarded = await bundleWorkflows(copies[1]!.workflowsPath);
});
afterAll(() => {
  for (const copy of copies) copy.remove();
});

test('an unguarded amount change fails replay of every history that issued an invoice, naming the disagreement', async () => {
  const outcomes = await replay(unguarded, histories);
  const invoiced = histories.filter(({ history }) => issuesPeriodInvoice(history)).map(({ file }) => file);
  const failed = [...outcomes].filter(([, error]) => error !== undefined).map(([file]) => file);
  expect(invoiced.length).toBeGreaterThan(histories.length / 2);
  expect(failed).toEqual(invoiced);
  for (const file of failed) expect(outcomes.get(file)!.message).toMatch(/recorded as .* but the current rules draft .*without a rule version/);
});

test('the same change behind a rule version replays every recorded history cleanly', async () => {
  const outcomes = await replay(guarded, histories);
  expect([...outcomes].filter(([, error]) => error !== undefined).map(([file, error]) => `${file}: ${error!.message}`)).toEqual([]);
});

test('a subscription started at the new version bills the new amount, and its own history replays', async () => {
  const h = await startEnvironment({ database: createTestDatabase, workflowBundle: guarded });
  try {
    const handle = await startSubscription(h, 'rules_next', { plan: plan('pro-monthly'), rules: NEXT_VERSION });
    const state = await eventually(() => querySubscription(h, handle.workflowId), (s) => s.latestInvoice?.status === 'paid', 'the first invoice paid');
    expect(state).toMatchObject({ rules: NEXT_VERSION, latestInvoice: { amountCents: 2_901 } });
    const recorded: RecordedHistory[] = [{ file: 'rules_next', history: await handle.fetchHistory() }];
    expect([...(await replay(guarded, recorded)).values()]).toEqual([undefined]);
  } finally {
    await h.teardown();
  }
});
