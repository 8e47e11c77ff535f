import { lineDescription, sellerIdentity } from '../../documents/labels';
import { legalNote } from '../../domain/tax/legal-note';
import type { DocumentLine } from '../../domain/tax/types';
import { seller } from './fixtures';

const tax = { rateBasisPoints: 2500, vatCategory: 'S' as const, netCents: 100, taxCents: 25, grossCents: 125 };
const december = { periodStart: '2026-12-01T00:00:00.000Z', periodEnd: '2027-01-01T00:00:00.000Z' };

function line(fields: Partial<DocumentLine>): DocumentLine {
  return { kind: 'subscription', description: 'Pro (monthly), 2026-12-01 – 2027-01-01', quantity: 1, taxCategory: 'standard', tax, ...fields };
}

test('bokmål line descriptions are built from the kind, the item and the period', () => {
  expect(lineDescription(line({ itemName: 'Pro', ...december }), 'nb')).toBe('Abonnement Pro, 01.12.2026–31.12.2026');
  expect(lineDescription(line({ kind: 'addon', itemName: 'Ekstra lagring' }), 'nb')).toBe('Tillegg Ekstra lagring');
  expect(lineDescription(line({ kind: 'proration_credit', itemName: 'Team' }), 'nb')).toBe('Kreditering av ubrukt tid på Team');
  expect(lineDescription(line({ kind: 'proration_charge', itemName: 'Team' }), 'nb')).toBe('Forholdsmessig belastning for Team');
  expect(lineDescription(line({ kind: 'discount', itemName: 'Velkomst' }), 'nb')).toBe('Rabatt Velkomst');
  expect(lineDescription(line({ kind: 'refund', itemName: null }), 'nb')).toBe('Tilbakebetaling');
});

test('without an item, or of a kind it does not know, a bokmål line keeps the engine description', () => {
  expect(lineDescription(line({ itemName: null }), 'nb')).toBe('Pro (monthly), 2026-12-01 – 2027-01-01');
  expect(lineDescription(line({ kind: 'usage', itemName: 'API calls' }), 'nb')).toBe('Pro (monthly), 2026-12-01 – 2027-01-01');
});

test('English lines print the engine description', () => {
  expect(lineDescription(line({ itemName: 'Pro', ...december }), 'en')).toBe('Pro (monthly), 2026-12-01 – 2027-01-01');
});

test('a VAT-registered seller is identified with "MVA" after its organisation number, in both languages', () => {
  expect(sellerIdentity(seller, 'nb')).toBe('Org.nr. 923 609 016 MVA');
  expect(sellerIdentity(seller, 'en')).toBe('Org. no. 923 609 016 MVA');
  expect(sellerIdentity({ ...seller, vatRegistered: false }, 'nb')).toBe('Org.nr. 923 609 016');
});

test('each tax treatment but domestic has its legal wording', () => {
  expect(legalNote('domestic', 'nb')).toBeNull();
  expect(legalNote('reverse_charge', 'nb')).toBe('Omvendt avgiftsplikt – kjøper skal beregne merverdiavgift');
  expect(legalNote('export', 'en')).toBe('Export of services – outside the scope of Norwegian VAT');
  expect(legalNote('oss', 'en')).toBe("VAT charged at the rate of the customer's country (One-Stop Shop)");
  expect(legalNote('not_registered', 'nb')).toBe('Selger er ikke registrert i Merverdiavgiftsregisteret');
  expect(legalNote('exempt', 'nb', 'Helsetjeneste')).toBe('Fritatt for merverdiavgift: Helsetjeneste');
  expect(legalNote('exempt', 'en', null)).toBe('Exempt from VAT');
});
