// The version of the rules that decide amounts (proration, credits, discounts, invoice lines).
//
// A running subscription's invoices were computed by the rules of its time, and its workflow
// replays its history with the current code: a rule change that alters an amount would make the
// replayed state disagree with the invoices already issued (the workflow detects it and stops:
// see `issuedAsDrafted` in workflows/entity.ts). So a change to an amount rule keeps the old
// behaviour for subscriptions that carry an older `state.rules`, and applies to new ones:
//
//   1. bump RULES_VERSION;
//   2. in the changed rule, branch on `state.rules` (`state.rules >= 2 ? newWay : oldWay`);
//   3. prove it: the recorded histories in test/histories still replay (test/replay), and the new
//      amounts are covered by a domain test at the new version.
//
// A subscription keeps the version it started with, across continue-as-new.
export const RULES_VERSION = 1;
