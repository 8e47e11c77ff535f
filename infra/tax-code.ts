// A catalogue row's VAT columns as the tax code subscriptions carry.
import type { TaxCategory, TaxCode } from '../domain/tax/types';

export const TAX_CATEGORIES: readonly TaxCategory[] = ['standard', 'reduced_middle', 'reduced_low', 'exempt'];

export function taxCode(row: { taxCategory: string; taxInclusive: boolean }): TaxCode {
  const category = TAX_CATEGORIES.find((c) => c === row.taxCategory);
  if (!category) throw new Error(`unknown tax category "${row.taxCategory}" (one of ${TAX_CATEGORIES.join(', ')})`);
  return { category, inclusive: row.taxInclusive };
}
