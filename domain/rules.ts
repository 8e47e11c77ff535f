// The version of the rules that decide amounts (proration, credits, discounts, invoice lines).
//
// A running subscription's invoices were computed by the rules of its time, and its workflow
// replays its history with the current code: a rule change that alters an amount would make the
// replayed state disagree with the invoices already issued (the workflow detects it and stops:
// see `issuedAsDrafted` in workflows/entity.ts). So a change to an amount rule keeps the old
// behaviour for subscriptions that carry an older `state.rules`, and applies to new ones:
//
//   1. bump RULES_VERSION (the API starts new subscriptions with it: `SubscriptionStart.rules`);
//   2. in the changed rule, branch on `state.rules` (`state.rules >= 2 ? newWay : oldWay`);
//   3. prove it: the recorded histories in test/histories still replay (test/replay), and the new
//      amounts are covered by a domain test at the new version.
//
// The version is part of the workflow's input, never read from this constant inside the workflow,
// so a replay of an old history bills at the version it was started with. A subscription keeps
// it across continue-as-new (test/replay/rule-version.test.ts proves the procedure).
//
// Versions:
//   2: a skipped delivery's credit belongs to the service of the period it skips: the discount is
//      computed on the plan and add-ons net of it, and what the period's account records as paid
//      is net of it, so unused-time credit (a pause, a plan change) never gives the box back twice.
//   3: credit for time already paid (an add-on removed mid-period) never vanishes: lines still
//      waiting when a subscription ends are issued on its final invoice even when they come to a
//      credit, which becomes account credit (domain/cancellation.ts); and a period invoice that
//      carried such credit gives it back as account credit if it is voided (`carriedCreditCents`,
//      domain/collection.ts and domain/credit.ts).
//   4: account credit does not outlive its subscription: what is left when it ends (after its final
//      invoice) is paid back to the card, against its charges newest first (domain/credit.ts
//      `refundCreditAtEnd`), unless it was canceled now without a refund; only what no charge can
//      take (a period paid elsewhere) stays.
export const RULES_VERSION = 4;
