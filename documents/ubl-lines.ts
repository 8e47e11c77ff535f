// The lines of a UBL invoice (InvoiceLine) or credit note (CreditNoteLine).
import type { DocumentLine, InvoiceDocument } from '../domain/tax/types';
import { classifiedTaxCategory } from './ubl-tax';
import { amount, calendarDate, lastDay } from './ubl-values';
import { element, leaf, type XmlElement } from './xml';

/** UN/ECE rec. 20 "one": subscriptions, seats and add-ons are counted, not measured. */
const UNIT = 'C62';

/**
 * Quantity and price such that quantity × price ÷ base quantity = the line's net exactly
 * (PEPPOL-EN16931-R120) with a price that is never negative (BR-27): a credit or discount line
 * carries its sign on the quantity. The unit price when it is a whole number of minor units, else
 * the line's whole net priced per its quantity (base quantity).
 */
function quantityAndPrice(line: DocumentLine): { quantity: number; priceCents: number; baseQuantity: number } {
  const units = Math.abs(line.quantity) || 1;
  const net = line.tax.netCents;
  const quantity = net < 0 ? -units : units;
  const perUnit = Math.abs(net) / units;
  return Number.isInteger(perUnit) ? { quantity, priceCents: perUnit, baseQuantity: 1 } : { quantity, priceCents: Math.abs(net), baseQuantity: units };
}

/** The line's own period, when it lies within the document's (PEPPOL-EN16931-R110, R111). */
function linePeriod(line: DocumentLine, doc: InvoiceDocument, timeZone: string): XmlElement | null {
  if (!line.periodStart || !line.periodEnd) return null;
  const ms = (iso: string) => new Date(iso).getTime();
  const within = (iso: string) => ms(iso) >= ms(doc.period.start) && ms(iso) <= ms(doc.period.end);
  if (!within(line.periodStart) || !within(line.periodEnd)) return null;
  return element('cac:InvoicePeriod', [
    leaf('cbc:StartDate', calendarDate(line.periodStart, timeZone)),
    leaf('cbc:EndDate', lastDay(line.periodStart, line.periodEnd, timeZone)),
  ]);
}

function documentLine(line: DocumentLine, index: number, doc: InvoiceDocument, timeZone: string): XmlElement {
  const invoice = doc.kind === 'invoice';
  const { quantity, priceCents, baseQuantity } = quantityAndPrice(line);
  const named = Boolean(line.itemName && line.itemName !== line.description);
  return element(invoice ? 'cac:InvoiceLine' : 'cac:CreditNoteLine', [
    leaf('cbc:ID', index + 1),
    leaf(invoice ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity', quantity, { unitCode: UNIT }),
    amount('cbc:LineExtensionAmount', line.tax.netCents, doc.currency),
    linePeriod(line, doc, timeZone),
    element('cac:Item', [
      named ? leaf('cbc:Description', line.description) : null,
      leaf('cbc:Name', named ? line.itemName : line.description),
      classifiedTaxCategory(line.tax.vatCategory, line.tax.rateBasisPoints),
    ]),
    element('cac:Price', [
      amount('cbc:PriceAmount', priceCents, doc.currency),
      baseQuantity === 1 ? null : leaf('cbc:BaseQuantity', baseQuantity, { unitCode: UNIT }),
    ]),
  ])!;
}

export function documentLines(doc: InvoiceDocument, timeZone: string): XmlElement[] {
  return doc.lines.map((line, index) => documentLine(line, index, doc, timeZone));
}
