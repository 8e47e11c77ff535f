// Scenarios before the simulation clock run whole 400-year cycles later and are read back.
import { parseScenario } from '../../simulator/scenario';
import { CYCLE_MS, timeFrame } from '../../simulator/time-frame';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const scenario = (start: string, until: string, events: unknown[] = []) => parseScenario({ start, until, plan: 'pro-monthly', paymentMethod: 'pm_card_visa', events });

test('a scenario after the clock runs as written', () => {
  const future = scenario('2028-01-31T10:00:00Z', '2028-04-01T00:00:00Z');
  const frame = timeFrame(future, NOW);
  expect(frame.cycles).toBe(0);
  expect(frame.scenario).toBe(future);
  expect(frame.back('2028-02-29')).toBe('2028-02-29');
});

test('a scenario before the clock runs one cycle later, on the same calendar: the same weekday, leap day and month ends', () => {
  const past = scenario('2024-01-31T10:00:00Z', '2024-04-01T00:00:00Z', [
    { at: '2024-02-29T10:00:00Z', type: 'usage', metric: 'api_calls', quantity: 1, occurredAt: '2024-02-28T23:00:00+01:00' },
  ]);
  const { cycles, scenario: shifted } = timeFrame(past, NOW);
  expect(cycles).toBe(1);
  expect(shifted).toMatchObject({ start: '2424-01-31T10:00:00.000Z', until: '2424-04-01T00:00:00.000Z' });
  expect(shifted.events[0]).toMatchObject({ at: '2424-02-29T10:00:00.000Z', occurredAt: '2424-02-28T22:00:00.000Z' });
  // 400 Gregorian years are whole weeks: 2024-02-29 and 2424-02-29 are both Thursdays.
  expect(new Date(shifted.events[0]!.at).getUTCDay()).toBe(new Date(past.events[0]!.at).getUTCDay());
  expect(CYCLE_MS % (7 * 86_400_000)).toBe(0);
});

test('a scenario that starts within a day of the clock, or centuries before it, moves as many cycles as it takes', () => {
  expect(timeFrame(scenario('2026-12-07T18:00:00Z', '2027-01-31T00:00:00Z'), NOW).cycles).toBe(1);
  expect(timeFrame(scenario('1626-12-07T18:00:00Z', '1627-01-31T00:00:00Z'), NOW).cycles).toBe(2);
  expect(timeFrame(scenario('1626-12-07T18:00:00Z', '1627-01-31T00:00:00Z'), NOW).scenario.start).toBe('2426-12-07T18:00:00.000Z');
});

test("the report is read back into the scenario's years, in every string, and a date the scenario wrote itself stays", () => {
  const frame = timeFrame(scenario('2024-01-31T10:00:00Z', '2024-04-01T00:00:00Z'), NOW);
  const report = {
    invoices: [{ periodStart: '2424-01-31T10:00:00.000Z', lines: [{ description: 'Pro monthly (month), 2424-01-31 – 2424-02-29', amountCents: 2_900 }] }],
    commands: [{ at: '2424-03-01T00:00:00.000Z', detail: 'its cut-off was 2424-02-27T00:00:00.000Z; see order 2024-17 of 2023-05-01', status: 409 }],
    paidAt: null,
  };
  expect(frame.back(report)).toEqual({
    invoices: [{ periodStart: '2024-01-31T10:00:00.000Z', lines: [{ description: 'Pro monthly (month), 2024-01-31 – 2024-02-29', amountCents: 2_900 }] }],
    commands: [{ at: '2024-03-01T00:00:00.000Z', detail: 'its cut-off was 2024-02-27T00:00:00.000Z; see order 2024-17 of 2023-05-01', status: 409 }],
    paidAt: null,
  });
});
