// What setting an add-on's quantity would do at a given moment, without doing it: the answer of the
// workflow's `previewAddOnChange` query, which the API and the portal show before the customer
// confirms. It runs the command's own check (`checkCommand`) and computation (`quoteAddOnChange`),
// so the preview and the command cannot disagree.
import type { SetAddOnCommand, SetCustomLineCommand } from './commands';
import { checkCommand } from './commands';
import { addOnsPerPeriod } from './add-ons';
import type { AddOnQuote } from './add-on-changes';
import { quoteAddOnChange } from './add-on-changes';
import { quoteCustomLineQuantity } from './custom-lines';
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
  const oneTime = change.addOn.kind === 'one_time';
  return previewOf(state, quote, change.addOn.code, oneTime ? 0 : held(state), oneTime ? change.quantity : held(quote.state));
}

/** Exactly what `setCustomLine` with `change` would do at `at`, as `previewAddOnChange` answers for an add-on. */
export function previewCustomLineChange(state: SubscriptionState, change: SetCustomLineCommand, at: string): AddOnChangePreview {
  try {
    checkCommand(state, { name: 'setCustomLine', input: change }, at);
  } catch (error) {
    return { allowed: false, reason: (error as Error).message };
  }
  const quote = quoteCustomLineQuantity(state, change.code, change.quantity, at);
  const before = state.addOns.find((addOn) => addOn.code === change.code)?.quantity ?? 0;
  return previewOf(state, quote, change.code, before, change.quantity);
}

function previewOf(state: SubscriptionState, quote: AddOnQuote, code: string, quantityBefore: number, quantityAfter: number): AddOnChangePreview {
  // A period invoice is issued at its period's start, which is when the lines waiting for it are taxed.
  const billedAt = nextBillingAt(quote.state) ?? quote.state.currentPeriod.end;
  const taxed = taxLines(quote.lines, taxContextOf(quote.state, billedAt));
  return {
    allowed: true,
    code,
    quantityBefore,
    quantityAfter,
    lines: taxed.lines,
    totalCents: taxed.grossCents,
    billedAt,
    recurringCentsBefore: recurringCents(state),
    recurringCentsAfter: recurringCents(quote.state),
  };
}
