import { billingProfileOf, billingProfileProblems, profileColumnOf } from '../../importer/billing-profile';
import { parseCsv } from '../../importer/csv';
import { checkColumns } from '../../importer/import-rows';

const HEADER = 'id,email,plan,paymentMethod,currentPeriodEnd,legal_name,customer_type,organization_number,vat_id,address_line1,address_line2,postal_code,city,country,tax_exemption_reason,language';
const rows = (...lines: string[]) => parseCsv([HEADER, ...lines].join('\n')).rows;
const START = 'sub_1,a@example.com,pro-monthly,pm_card_visa,2031-01-15T00:00:00Z';

test('the billing-profile columns are known to the importer', () => {
  expect(() => checkColumns(HEADER.split(','))).not.toThrow();
});

test('a row with a legal name has a billing profile in the shape the API takes', () => {
  const [row] = rows(`${START},Fjord Fisk AS,business,974760673,,Storgata 1,"Bakgården, 2. etasje",0155,Oslo,no,,nb`);
  expect(billingProfileOf(row!)).toEqual({
    legalName: 'Fjord Fisk AS',
    kind: 'business',
    organizationNumber: '974760673',
    address: { lines: ['Storgata 1', 'Bakgården, 2. etasje'], postalCode: '0155', city: 'Oslo', country: 'NO' },
    language: 'nb',
  });
  expect(billingProfileProblems(row!)).toEqual([]);
});

test('without customer_type, a row with an organisation number or VAT id is a business, any other a consumer', () => {
  const [withVatId, without] = rows(`${START},Svensk AB,,,SE556036079301,Gatan 1,,111 22,Stockholm,SE,,`, `${START},Kari Nordmann,,,,Veien 2,,0150,Oslo,NO,Diplomat,en`);
  expect(billingProfileOf(withVatId!)).toMatchObject({ kind: 'business', vatId: 'SE556036079301', address: { lines: ['Gatan 1'] } });
  expect(billingProfileOf(without!)).toMatchObject({ kind: 'consumer', taxExemptionReason: 'Diplomat', language: 'en' });
});

test('a row without a legal name has no billing profile, and no problem when its profile cells are empty', () => {
  const [row] = rows(`${START},,,,,,,,,,,`);
  expect(billingProfileOf(row!)).toBeUndefined();
  expect(billingProfileProblems(row!)).toEqual([]);
});

test('a legal name without the address it is invoiced at is a problem for each missing column, by line', () => {
  const [, row] = rows(`${START},,,,,,,,,,,`, `${START},Fjord Fisk AS,business,974760673,,,,,Oslo,,,`);
  expect(billingProfileProblems(row!)).toEqual([
    'line 3, address_line1: required when legal_name is filled in',
    'line 3, postal_code: required when legal_name is filled in',
    'line 3, country: required when legal_name is filled in',
  ]);
});

test('profile cells without a legal name are a problem rather than dropped', () => {
  const [row] = rows(`${START},,business,974760673,,,,,,,,`);
  expect(billingProfileProblems(row!)).toEqual(['line 2, legal_name: required when customer_type, organization_number are filled in']);
});

test("the API's profile fields name the columns they came from", () => {
  expect(
    ['customer.billingProfile.organizationNumber', 'customer.billingProfile.address.lines.1', 'customer.billingProfile.address.country', 'customer.billingProfile.kind', 'customer.email'].map(profileColumnOf),
  ).toEqual(['organization_number', 'address_line2', 'country', 'customer_type', undefined]);
});
