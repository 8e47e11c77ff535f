// Money is an integer count of the currency's minor units plus an ISO 4217 code; never a float.

export interface Money {
  amountCents: number;
  currency: string;
}

const MINOR_UNIT_DIGITS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, CLP: 0 };

export function minorUnitDigits(currency: string): number {
  return MINOR_UNIT_DIGITS[currency.toUpperCase()] ?? 2;
}

/** Minor units as a decimal in major units, with a dot and the currency's digits: -1234 EUR → "-12.34". */
export function decimalAmount(amountCents: number, currency: string): string {
  const digits = minorUnitDigits(currency);
  const sign = amountCents < 0 ? '-' : '';
  const absolute = Math.abs(amountCents);
  const major = Math.floor(absolute / 10 ** digits);
  const minor = digits > 0 ? `.${String(absolute % 10 ** digits).padStart(digits, '0')}` : '';
  return `${sign}${major}${minor}`;
}

export function formatMoney({ amountCents, currency }: Money): string {
  return `${decimalAmount(amountCents, currency)} ${currency.toUpperCase()}`;
}

export function assertMinorUnits(amountCents: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amountCents)) {
    throw new RangeError(`${what} must be an integer number of minor units, got ${amountCents}`);
  }
}

/** Sum of amounts that must share a currency. */
export function sumMoney(amounts: readonly Money[], currency: string): Money {
  let total = 0;
  for (const amount of amounts) {
    if (amount.currency !== currency) {
      throw new RangeError(`cannot add ${amount.currency} to ${currency}`);
    }
    total += amount.amountCents;
  }
  return { amountCents: total, currency };
}
