// What setting an add-on's quantity would do at a given moment, without doing it: the answer of the
// workflow's `previewAddOnChange` query, which the API and the portal show before the customer
// confirms. It runs the command's own check (`checkCommand`) and computation (`quoteAddOnChange`),
// so the preview and the command cannot disagree.
import type { SetAddOnCommand } from './commands';
import { checkCommand } from './commands';
import { addOnsPerPeriod } from './add-ons';
import { quoteAddOnChange } from './add-on-changes';
import type { InvoiceLineDraft } from './invoice';
import { taxContextOf, taxLines } from './invoice';
import type { SubscriptionState } from './subscription';
import { nextBillingAt } from './subscription';

export type AddOnChangePreview =
  | {
      allowed: true;
      code: string;
      quantityBefore: number;
      quantityAfter: number;
      /**
       * What the change adds to the next invoice, taxed as that invoice bills it: a prorated charge
       * for added units, a credit for removed ones, a one-time product. Nothing is charged now.
       */
      lines: InvoiceLineDraft[];
      /** The lines' total, VAT included; negative is a credit. */
      totalCents: number;
      /** When the invoice that carries the lines is issued. */
      billedAt: string;
      /** The plan and recurring add-ons per billing period at their prices (before discounts), before and after. */
      recurringCentsBefore: number;
      recurringCentsAfter: number;
    }
  | { allowed: false; reason: string };

const recurringCents = (state: SubscriptionState) => state.plan.amountCents + addOnsPerPeriod(state.addOns);

/** Exactly what `setAddOn` with `change` would do at `at`: refused with the validator's reason, or its lines and prices. */
export function previewAddOnChange(state: SubscriptionState, change: SetAddOnCommand, at: string): AddOnChangePreview {
  try {
    checkCommand(state, { name: 'setAddOn', input: change }, at);
  } catch (error) {
    return { allowed: false, reason: (error as Error).message };
  }
  const quote = quoteAddOnChange(state, change, at);
  const held = (of: SubscriptionState) => of.addOns.find((addOn) => addOn.code === change.addOn.code)?.quantity ?? 0;
  // A period invoice is issued at its period's start, which is when the lines waiting for it are taxed.
  const billedAt = nextBillingAt(quote.state) ?? quote.state.currentPeriod.end;
  const taxed = taxLines(quote.lines, taxContextOf(quote.state, billedAt));
  return {
    allowed: true,
    code: change.addOn.code,
    quantityBefore: change.addOn.kind === 'one_time' ? 0 : held(state),
    quantityAfter: change.addOn.kind === 'one_time' ? change.quantity : held(quote.state),
    lines: taxed.lines,
    totalCents: taxed.grossCents,
    billedAt,
    recurringCentsBefore: recurringCents(state),
    recurringCentsAfter: recurringCents(quote.state),
  };
}
