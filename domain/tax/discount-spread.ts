// A discount (a line without a tax code) reduces the taxable amount of the lines it discounts, so
// it must carry their VAT: it is split across the groups of charged lines sharing a category and
// price inclusiveness, in proportion to what each group charges, one discount line per group.
import { allocateProportionally } from './allocation';
import type { CodedLine, TaxableLine } from './lines';
import type { TaxCode } from './types';

function isCoded(line: TaxableLine): line is CodedLine {
  return line.code !== null;
}

function groupKey(code: TaxCode): string {
  return `${code.category}/${code.inclusive ? 'inclusive' : 'exclusive'}`;
}

/** What each (category, inclusive) group of positive coded lines charges, in order of first appearance. */
function chargedGroups(lines: readonly TaxableLine[]): { code: TaxCode; chargedCents: number }[] {
  const groups = new Map<string, { code: TaxCode; chargedCents: number }>();
  for (const line of lines) {
    if (!isCoded(line) || line.amountCents <= 0) continue;
    const key = groupKey(line.code);
    const group = groups.get(key) ?? { code: { category: line.code.category, inclusive: line.code.inclusive }, chargedCents: 0 };
    group.chargedCents += line.amountCents;
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** The lines with each discount replaced by its coded parts, in place; coded lines unchanged. */
export function spreadDiscounts(lines: readonly TaxableLine[]): CodedLine[] {
  const groups = chargedGroups(lines);
  return lines.flatMap((line): CodedLine[] => {
    if (isCoded(line)) return [line];
    if (groups.length === 0) {
      throw new RangeError(`The discount "${line.description}" has no charged line to take its tax code from`);
    }
    const parts = allocateProportionally(line.amountCents, groups.map((group) => group.chargedCents));
    const discounts = groups
      .map((group, index) => ({ ...line, amountCents: parts[index]!, code: group.code }))
      .filter((part) => part.amountCents !== 0);
    // A zero discount still shows, under the first group, rather than vanish from the invoice.
    return discounts.length > 0 ? discounts : [{ ...line, code: groups[0]!.code }];
  });
}
