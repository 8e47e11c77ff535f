import {
  formatAmount,
  formatBankAccount,
  formatDate,
  formatMoney,
  formatOrganizationNumber,
  formatPeriod,
  formatRate,
} from '../../documents/format';

test('money in bokmål groups thousands with spaces and puts the currency code last', () => {
  expect(formatMoney(123450, 'NOK', 'nb')).toBe('1 234,50 NOK');
  expect(formatMoney(-123456789, 'NOK', 'nb')).toBe('-1 234 567,89 NOK');
  expect(formatMoney(5, 'NOK', 'nb')).toBe('0,05 NOK');
});

test('money in English groups thousands with commas and puts the currency code first', () => {
  expect(formatMoney(123450, 'NOK', 'en')).toBe('NOK 1,234.50');
  expect(formatMoney(-100, 'eur', 'en')).toBe('EUR -1.00');
});

test('currencies without minor units print no decimals', () => {
  expect(formatAmount(1234567, 'JPY', 'en')).toBe('1,234,567');
  expect(formatMoney(1500, 'ISK', 'nb')).toBe('1 500 ISK');
});

test('VAT rates print from basis points, with a decimal only when there is one', () => {
  expect(formatRate(2500, 'nb')).toBe('25 %');
  expect(formatRate(1250, 'nb')).toBe('12,5 %');
  expect(formatRate(1250, 'en')).toBe('12.5%');
  expect(formatRate(0, 'en')).toBe('0%');
});

test('dates are dd.mm.yyyy in bokmål and ISO in English, on the UTC calendar', () => {
  expect(formatDate('2026-12-03T23:30:00.000Z', 'nb')).toBe('03.12.2026');
  expect(formatDate('2026-12-03', 'en')).toBe('2026-12-03');
});

test('a period ending at midnight prints its last day, one ending mid-day that day', () => {
  expect(formatPeriod('2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', 'nb')).toBe('01.12.2026–31.12.2026');
  expect(formatPeriod('2026-12-01T00:00:00.000Z', '2026-12-15T10:00:00.000Z', 'en')).toBe('2026-12-01–2026-12-15');
});

test('organisation numbers and accounts print in the groups people read them in', () => {
  expect(formatOrganizationNumber('923609016')).toBe('923 609 016');
  expect(formatOrganizationNumber('SE556677889901')).toBe('SE556677889901');
  expect(formatBankAccount('86011117947')).toBe('8601 11 17947');
  expect(formatBankAccount('no93 8601 1117 947')).toBe('NO93 8601 1117 947');
});
