// The simulator bench's scenario: years of monthly billing with one dunning episode a year. Each
// March the card starts declining before the renewal (past_due, one failed retry), then a working
// card is given back, which retries at once and makes the subscription active again.
import { parseScenario, type Scenario } from '../../simulator/scenario';

const at = (year: number, monthDay: string) => `${year}-${monthDay}T00:00:00Z`;

export function monthlyWithYearlyDunning(years: number): Scenario {
  // The time-skipping server's clock starts at the real "now": the scenario starts after it.
  const first = new Date().getUTCFullYear() + 1;
  const events = Array.from({ length: years }, (_, i) => first + i).flatMap((year) => [
    { at: at(year, '03-10'), type: 'updatePaymentMethod', paymentMethod: 'pm_card_insufficient_funds' },
    // The renewal of the 15th is declined, so is the retry three days later (policy 3,5,7,6).
    { at: at(year, '03-20'), type: 'updatePaymentMethod', paymentMethod: 'pm_card_visa' },
  ]);
  return parseScenario(
    {
      start: `${first}-01-15T12:00:00Z`,
      until: `${first + years}-01-15T00:00:00Z`,
      plan: 'pro-monthly',
      paymentMethod: 'pm_card_visa',
      customer: { email: 'ten-years@bench.example', name: 'Bench customer' },
      policy: { dunningRetryDays: [3, 5, 7, 6], dunningFinalAction: 'cancel' },
      events,
    },
    'bench scenario',
  );
}
