import { taxCountry, taxTreatment, vatCategoryFor } from '../../../domain/tax/treatment';
import {
  AMERICAN_BUSINESS,
  EXEMPT_BUYER,
  GERMAN_CONSUMER,
  NORWEGIAN_BUSINESS,
  NORWEGIAN_SELLER,
  SWEDISH_BUSINESS,
  SWEDISH_CONSUMER,
  UNREGISTERED_SELLER,
  buyer,
} from './profiles';

describe('taxTreatment', () => {
  test('an unregistered seller charges no VAT to anyone', () => {
    expect(taxTreatment(UNREGISTERED_SELLER, NORWEGIAN_BUSINESS)).toBe('not_registered');
    expect(taxTreatment(UNREGISTERED_SELLER, SWEDISH_BUSINESS)).toBe('not_registered');
    expect(taxTreatment(UNREGISTERED_SELLER, null)).toBe('not_registered');
  });

  test('a buyer with an exemption reason is exempt wherever they are', () => {
    expect(taxTreatment(NORWEGIAN_SELLER, EXEMPT_BUYER)).toBe('exempt');
    expect(taxTreatment(NORWEGIAN_SELLER, buyer('SE', { taxExemptionReason: 'NATO' }))).toBe('exempt');
  });

  test('a buyer in the seller\'s country, or no profile yet, is domestic', () => {
    expect(taxTreatment(NORWEGIAN_SELLER, NORWEGIAN_BUSINESS)).toBe('domestic');
    expect(taxTreatment(NORWEGIAN_SELLER, buyer('NO'))).toBe('domestic');
    expect(taxTreatment(NORWEGIAN_SELLER, null)).toBe('domestic');
  });

  test('an EU business with a VAT id is reverse charged', () => {
    expect(taxTreatment(NORWEGIAN_SELLER, SWEDISH_BUSINESS)).toBe('reverse_charge');
  });

  test('an EU consumer, or an EU business without a VAT id, is taxed under OSS', () => {
    expect(taxTreatment(NORWEGIAN_SELLER, SWEDISH_CONSUMER)).toBe('oss');
    expect(taxTreatment(NORWEGIAN_SELLER, buyer('DE', { kind: 'business', vatId: null }))).toBe('oss');
  });

  test('a buyer outside the seller\'s country and the EU is an export', () => {
    expect(taxTreatment(NORWEGIAN_SELLER, AMERICAN_BUSINESS)).toBe('export');
    expect(taxTreatment(NORWEGIAN_SELLER, buyer('GB'))).toBe('export');
  });

  test('an EU seller\'s buyer in its own country is domestic, not reverse charged', () => {
    expect(taxTreatment({ country: 'SE', vatRegistered: true }, SWEDISH_BUSINESS)).toBe('domestic');
  });
});

describe('taxCountry', () => {
  test('is the seller\'s country for domestic sales and the buyer\'s under OSS', () => {
    expect(taxCountry(NORWEGIAN_SELLER, NORWEGIAN_BUSINESS, 'domestic')).toBe('NO');
    expect(taxCountry(NORWEGIAN_SELLER, null, 'domestic')).toBe('NO');
    expect(taxCountry(NORWEGIAN_SELLER, GERMAN_CONSUMER, 'oss')).toBe('DE');
  });

  test('is the seller\'s country for the zero-rated treatments', () => {
    expect(taxCountry(NORWEGIAN_SELLER, SWEDISH_BUSINESS, 'reverse_charge')).toBe('NO');
    expect(taxCountry(NORWEGIAN_SELLER, AMERICAN_BUSINESS, 'export')).toBe('NO');
  });
});

describe('vatCategoryFor', () => {
  test('is S for a positive rate and Z for a 0 % rate on domestic and OSS sales', () => {
    expect(vatCategoryFor('domestic', 2500, 'standard')).toBe('S');
    expect(vatCategoryFor('oss', 1900, 'standard')).toBe('S');
    expect(vatCategoryFor('domestic', 0, 'standard')).toBe('Z');
    expect(vatCategoryFor('oss', 0, 'reduced_low')).toBe('Z');
  });

  test('is E for the exempt category and the exempt treatment', () => {
    expect(vatCategoryFor('domestic', 0, 'exempt')).toBe('E');
    expect(vatCategoryFor('exempt', 0, 'standard')).toBe('E');
  });

  test('is AE under reverse charge, G for exports and O when the seller is not registered', () => {
    expect(vatCategoryFor('reverse_charge', 0, 'standard')).toBe('AE');
    expect(vatCategoryFor('export', 0, 'standard')).toBe('G');
    expect(vatCategoryFor('not_registered', 0, 'standard')).toBe('O');
    expect(vatCategoryFor('not_registered', 0, 'exempt')).toBe('O');
  });
});
