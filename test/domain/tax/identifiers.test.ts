import {
  bankAccountProblem,
  euVatIdProblem,
  formatOrganizationNumber,
  isNorwegianOrganizationNumber,
} from '../../../domain/tax/identifiers';

describe('isNorwegianOrganizationNumber', () => {
  test('accepts real organisation numbers (Equinor, Brønnøysundregistrene)', () => {
    expect(isNorwegianOrganizationNumber('923609016')).toBe(true);
    expect(isNorwegianOrganizationNumber('974760673')).toBe(true);
  });

  test('rejects a wrong check digit', () => {
    expect(isNorwegianOrganizationNumber('923609017')).toBe(false);
    expect(isNorwegianOrganizationNumber('974760672')).toBe(false);
  });

  test('rejects every number whose weighted sum leaves remainder 1: no check digit exists', () => {
    for (let check = 0; check <= 9; check += 1) expect(isNorwegianOrganizationNumber(`10000013${check}`)).toBe(false);
  });

  test('rejects anything but nine digits', () => {
    expect(isNorwegianOrganizationNumber('92360901')).toBe(false);
    expect(isNorwegianOrganizationNumber('9236090160')).toBe(false);
    expect(isNorwegianOrganizationNumber('923 609 016')).toBe(false);
    expect(isNorwegianOrganizationNumber('923609016MVA')).toBe(false);
  });
});

describe('formatOrganizationNumber', () => {
  test('groups nine digits in threes', () => {
    expect(formatOrganizationNumber('923609016')).toBe('923 609 016');
  });

  test('leaves other national ids as they are', () => {
    expect(formatOrganizationNumber('5566778899')).toBe('5566778899');
  });
});

describe('euVatIdProblem', () => {
  test('accepts well-formed VAT ids of member states', () => {
    for (const id of [
      'SE556677889901', 'DE123456789', 'FR40303265045', 'NL123456789B01', 'DK13585628', 'FI20774740',
      'ATU12345678', 'EL094014201', 'IE6388047V', 'IE1234567WA', 'ESA12345674', 'ESX1234567L',
      'BE0123456789', 'CY10259033P', 'RO18547290', 'PL5260250274', 'IT00743110157', 'LT100001919017',
    ]) {
      expect([id, euVatIdProblem(id)]).toEqual([id, null]);
    }
  });

  test('tells Greek ids to use EL', () => {
    expect(euVatIdProblem('GR094014201')).toMatch(/EL/);
  });

  test('rejects prefixes of countries outside the EU', () => {
    expect(euVatIdProblem('NO923609016MVA')).toBe('NO is not the VAT prefix of an EU member state');
    expect(euVatIdProblem('GB123456789')).toMatch(/not the VAT prefix/);
  });

  test('rejects a national part of the wrong shape, saying which shape', () => {
    expect(euVatIdProblem('SE556677889902')).toBe('A SE VAT id is SE followed by 12 digits ending in 01');
    expect(euVatIdProblem('DE12345678')).toBe('A DE VAT id is DE followed by 9 digits');
    expect(euVatIdProblem('NL123456789A01')).toMatch(/9 digits, B and 2 digits/);
    expect(euVatIdProblem('AT12345678')).toMatch(/U followed by 8 digits/);
    expect(euVatIdProblem('ES123456789')).toMatch(/at least one a letter/);
  });

  test('rejects a missing or lower-case prefix and spaces', () => {
    expect(euVatIdProblem('123456789')).toMatch(/country prefix/);
    expect(euVatIdProblem('de123456789')).toMatch(/country prefix/);
    expect(euVatIdProblem('DE 123456789')).toMatch(/without spaces/);
  });
});

describe('bankAccountProblem', () => {
  test('accepts valid IBANs', () => {
    for (const iban of ['NO9386011117947', 'DE89370400440532013000', 'GB82WEST12345698765432', 'CH9300762011623852957']) {
      expect([iban, bankAccountProblem(iban)]).toEqual([iban, null]);
    }
  });

  test('accepts a Norwegian account number with a valid mod-11 check digit', () => {
    expect(bankAccountProblem('86011117947')).toBeNull();
  });

  test('rejects a mistyped IBAN by its check digits', () => {
    expect(bankAccountProblem('NO9386011117948')).toMatch(/check digits/);
    expect(bankAccountProblem('DE89370400440532013001')).toMatch(/check digits/);
  });

  test('rejects an IBAN of the wrong length for its country, and unknown countries', () => {
    expect(bankAccountProblem('DE8937040044053201300')).toBe('A DE IBAN has 22 characters, this has 21');
    expect(bankAccountProblem('US12345678901234')).toMatch(/from US are not accepted/);
  });

  test('rejects a Norwegian account number with a wrong check digit', () => {
    expect(bankAccountProblem('86011117948')).toMatch(/check digit/);
  });

  test('rejects spaces, dots and anything that is neither form', () => {
    expect(bankAccountProblem('NO93 8601 1117 947')).toMatch(/without spaces/);
    expect(bankAccountProblem('8601.11.17947')).toMatch(/without spaces or dots/);
    expect(bankAccountProblem('1234')).toMatch(/IBAN .* or a Norwegian 11-digit account number/);
  });
});
