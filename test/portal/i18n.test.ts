// The portal's languages: how one is chosen, and how each writes dates, money and numbers.
import { en } from '../../portal/i18n/en';
import { nb } from '../../portal/i18n/nb';
import { acceptedLanguage, chooseLanguage, formatter, translator } from '../../portal/i18n';

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('formats', () => {
  test('bokmål writes dates in words and money as Norwegians do', () => {
    const fmt = formatter('nb');
    expect(fmt.date('2027-01-03T12:00:00.000Z')).toBe('3. januar 2027');
    expect(plain(fmt.money(29_900, 'NOK'))).toBe('299,00 kr');
    expect(plain(fmt.money(123_450, 'EUR'))).toBe('1 234,50 €');
    expect(plain(fmt.percent(20))).toBe('20 %');
    expect(plain(fmt.number(12_345.5))).toBe('12 345,5');
  });

  test('English (British) writes them its own way', () => {
    const fmt = formatter('en');
    expect(fmt.date('2027-01-03T12:00:00.000Z')).toBe('3 January 2027');
    expect(plain(fmt.money(29_900, 'NOK'))).toBe('NOK 299.00');
    expect(fmt.money(-900, 'EUR')).toBe('-€9.00');
    expect(fmt.percent(12.5)).toBe('12.5%');
  });

  test('a date is the day in the time zone given: late evening in Oslo is the next day in UTC+1', () => {
    expect(formatter('nb').date('2027-01-02T23:30:00.000Z', 'Europe/Oslo')).toBe('3. januar 2027');
    expect(formatter('nb').date('2027-01-02T23:30:00.000Z')).toBe('2. januar 2027');
  });

  test('amounts come from minor units exactly, with the currency’s own digits', () => {
    expect(formatter('en').money(1_234, 'JPY')).toBe('JP¥1,234');
    expect(plain(formatter('en').money(2_147_483_647, 'NOK'))).toBe('NOK 21,474,836.47');
  });
});

describe('choosing the language', () => {
  test.each([
    ['nb-NO,nb;q=0.9,en;q=0.8', 'nb'],
    ['en-US,en;q=0.9,nb;q=0.8', 'en'],
    ['sv-SE,nn;q=0.5', 'nb'],
    ['no', 'nb'],
    ['en;q=0.1, nb;q=0.5', 'nb'],
    ['nb;q=0, en', 'en'],
    ['fr-FR', null],
    ['*', null],
    ['', null],
    [undefined, null],
  ])('Accept-Language %p gives %p', (header, language) => {
    expect(acceptedLanguage(header)).toBe(language);
  });

  test("the billing profile's language wins over the browser's; English when neither says", () => {
    expect(chooseLanguage('nb', 'en-GB')).toBe('nb');
    expect(chooseLanguage('en', 'nb-NO')).toBe('en');
    expect(chooseLanguage(null, 'nb-NO')).toBe('nb');
    expect(chooseLanguage(undefined, 'de')).toBe('en');
  });
});

describe('the message catalogue', () => {
  test('every bokmål message fills in the same values as its English one', () => {
    const values = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect([key, values(nb[key])]).toEqual([key, values(en[key])]);
    }
  });

  test('fills in values, and picks the plural form by the language’s rules', () => {
    const t = translator('nb');
    expect(t('signIn.sent', { email: 'kari@example.no', minutes: 15 })).toContain('kari@example.no');
    expect(t.plural('offer.discount', 1, { percent: '20 %' })).toBe('For deg blir det 20 % billigere neste faktureringsperiode.');
    expect(t.plural('offer.discount', 3, { percent: '20 %' })).toBe('For deg blir det 20 % billigere de neste 3 faktureringsperiodene.');
    expect(translator('en').plural('interval.month', 3)).toBe('every 3 months');
  });
});
