import { temporal } from '@temporalio/proto';
import { defineQuery } from '@temporalio/workflow';
import { PlanCodeKey, SubscriptionStatusKey, CustomerIdKey, NextBillingAtKey } from '../../workflows/contract';
import type { Harness } from '../support/harness';
import { settled, startHarness, testApp } from '../support/harness';
import type { Driver } from '../support/lifecycle';
import { driver, newCustomer } from '../support/lifecycle';

let h: Harness;
let d: Driver;
beforeAll(async () => {
  h = await startHarness();
  d = driver(h, testApp(h));
});
afterAll(async () => {
  await h?.teardown();
});

// Temporal's built-in query behind the UI's "current details" panel.
const workflowMetadata = defineQuery<{ currentDetails?: string }>('__temporal_workflow_metadata');

test('ops see a summary, Markdown details, named activities and search attributes for each subscription', async () => {
  const created = await d.create({ id: 'ui', customer: newCustomer('ui'), plan: 'pro-monthly', paymentMethod: 'pm_card_visa' });
  const handle = h.env.client.workflow.getHandle('subscription-ui');
  await settled(h, handle.workflowId);

  const description = await handle.describe();
  expect(await description.staticSummary()).toBe('Pro monthly (pro-monthly) for ui@example.com: 29.00 EUR per month');
  expect(description.typedSearchAttributes.get(SubscriptionStatusKey)).toBe('active');
  expect(description.typedSearchAttributes.get(PlanCodeKey)).toBe('pro-monthly');
  expect(description.typedSearchAttributes.get(CustomerIdKey)).toBe(created.customer.id);
  expect(description.typedSearchAttributes.get(NextBillingAtKey)?.toISOString()).toBe(created.currentPeriod.end);

  const { currentDetails } = await handle.query(workflowMetadata);
  expect(currentDetails).toContain('**active** · Pro monthly (pro-monthly, price version 1) · 29.00 EUR');
  expect(currentDetails).toContain(`Next billing: ${created.currentPeriod.end}`);
  expect(currentDetails).toContain('Latest invoice: INV-ui-0001, 29.00 EUR, paid, 1 attempt(s)');

  const events = (await handle.fetchHistory()).events ?? [];
  const summaries = events
    .map((event) => event.userMetadata?.summary?.data)
    .filter((data): data is Uint8Array => Boolean(data))
    .map((data) => JSON.parse(Buffer.from(data).toString()) as string);
  expect(summaries).toEqual(
    expect.arrayContaining(['record incomplete, period 0; issue invoice INV-ui-0001', 'charge invoice INV-ui-0001, attempt 1', `wait for renewal ${created.currentPeriod.end.slice(0, 10)}`]),
  );
  expect(events.some((e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)).toBe(true);
});
