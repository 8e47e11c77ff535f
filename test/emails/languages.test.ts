// Every customer email in both languages customers read, bokmål and English: its words, the
// locale's formats as Intl writes them ("9. desember 2026", "1 234,50 kr"; "9 December 2026",
// "NOK 1,234.50"), dates in the subscription's time zone, and the HTML's lang attribute.
import type { EmailContent, EmailIntent, EmailTemplate } from '../../domain/effects';
import type { Language } from '../../domain/locale-format';
import { renderEmail, type EmailFacts } from '../../emails/templates';

/** A calendar date, and a time that is the next day in Oslo (00:30 CET) but not in UTC (23:30). */
const DAY = '2026-12-09T10:00:00.000Z';
const LATE = '2026-12-09T23:30:00.000Z';
const PORTAL = 'https://billing.example.test/portal';
const OFFER = 'https://billing.example.test/portal/offers/sub_1/OFR-1?token=1.sig';

function intent(content: EmailContent, timeZone: string | null = 'Europe/Oslo'): EmailIntent {
  return { key: `sub_1/${content.template}/x`, to: 'kari@example.no', customerName: 'Kari', subscriptionId: 'sub_1', ...(timeZone ? { timeZone } : {}), content };
}

const FACTS: EmailFacts = {
  links: { paymentMethod: PORTAL, offer: OFFER },
  lines: [{ description: 'Pro', amountCents: 123_450 }],
  invoice: { number: '2026-0042', netCents: 98_760, taxCents: 24_690, vatSummary: [{ rateBasisPoints: 2500, netCents: 98_760, taxCents: 24_690, vatCategory: 'S' }] },
};

/** Intl separates digit groups and the currency with no-break spaces: compared here as plain spaces. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

function render(content: EmailContent, language: Language, timeZone?: string | null) {
  const rendered = renderEmail(intent(content, timeZone), { ...FACTS, language });
  return { subject: plain(rendered.subject), text: plain(rendered.text), html: plain(rendered.html) };
}

type CustomerTemplate = Exclude<EmailTemplate, 'dispute_opened' | 'portal_sign_in' | 'quote'>;

/** Per customer template: its content, and per language its subject and sentences it must say. */
const CASES: Record<CustomerTemplate, { content: EmailContent } & Record<Language, { subject: string; says: string[] }>> = {
  welcome: {
    content: { template: 'welcome', planName: 'Pro', amountCents: 123_450, currency: 'NOK', interval: 'month', trialEnd: DAY },
    nb: {
      subject: 'Velkommen til Pro',
      says: ['Abonnementet ditt på Pro er klart: 1 234,50 kr per måned.', 'Prøveperioden din varer til 9. desember 2026, og du blir ikke belastet før da.'],
    },
    en: {
      subject: 'Welcome to Pro',
      says: ['Your Pro subscription is set up: NOK 1,234.50 per month.', 'Your free trial runs until 9 December 2026; you will not be charged before then.'],
    },
  },
  receipt: {
    content: { template: 'receipt', invoiceNumber: 'INV-sub_1-0001', amountCents: 123_450, currency: 'NOK', paidAt: DAY },
    nb: {
      subject: 'Kvittering for faktura 2026-0042',
      says: ['Vi mottok betalingen din på 1 234,50 kr den 9. desember 2026.', `  ${'Sum eks. mva.'.padEnd(60)} 987,60 kr`, `  ${'Mva. 25 % av 987,60 kr'.padEnd(60)} 246,90 kr`, `  ${'Totalt betalt'.padEnd(60)} 1 234,50 kr`],
    },
    en: {
      subject: 'Receipt for invoice 2026-0042',
      says: ['We received your payment of NOK 1,234.50 on 9 December 2026.', `  ${'VAT 25% of NOK 987.60'.padEnd(60)} NOK 246.90`, `  ${'Total paid'.padEnd(60)} NOK 1,234.50`],
    },
  },
  payment_failed: {
    content: {
      template: 'payment_failed',
      invoiceNumber: 'INV-sub_1-0002',
      amountCents: 123_450,
      currency: 'NOK',
      attempt: 2,
      declineMessage: 'Your card was declined.',
      nextRetryAt: LATE,
      deadline: LATE,
      consequence: 'unpaid',
    },
    nb: {
      subject: 'Betalingen for faktura 2026-0042 mislyktes',
      says: [
        'Vi klarte ikke å belaste 1 234,50 kr for faktura 2026-0042 (forsøk 2): Your card was declined.',
        'Vi prøver igjen 10. desember 2026 kl. 00:30 CET. Oppdater betalingsmåten din før det, så unngår du at betalingen mislykkes igjen.',
        'Er fakturaen fortsatt ikke betalt 10. desember 2026 kl. 00:30 CET, blir abonnementet ditt stanset.',
        `Oppdater betalingsmåten din her: ${PORTAL}`,
      ],
    },
    en: {
      subject: 'Payment failed for invoice 2026-0042',
      says: [
        'We will try again on 10 December 2026 at 00:30 CET. To avoid another failure, update your payment method before then.',
        'If the invoice is still unpaid on 10 December 2026 at 00:30 CET, your subscription will be suspended.',
        `Update your payment method here: ${PORTAL}`,
      ],
    },
  },
  payment_action_required: {
    content: { template: 'payment_action_required', invoiceNumber: 'INV-sub_1-0002', amountCents: 123_450, currency: 'NOK', actionUrl: 'https://bank.example.test/3ds/1', expiresAt: LATE },
    nb: {
      subject: 'Bekreft betalingen for faktura 2026-0042',
      says: [
        'Banken din ber deg bekrefte betalingen på 1 234,50 kr for faktura 2026-0042.',
        'Bekreft den her: https://bank.example.test/3ds/1',
        'Er den ikke bekreftet innen 10. desember 2026 kl. 00:30 CET, blir betalingen avbrutt, og vi prøver igjen som ved en mislykket betaling.',
      ],
    },
    en: {
      subject: 'Please confirm your payment for invoice 2026-0042',
      says: ['Your bank asks you to confirm the payment of NOK 1,234.50 for invoice 2026-0042.', 'If it is not confirmed by 10 December 2026 at 00:30 CET, the payment is canceled'],
    },
  },
  payment_method_update: {
    content: {
      template: 'payment_method_update',
      reason: 'expiring',
      brand: 'visa',
      last4: '4242',
      expMonth: 12,
      expYear: 2026,
      nextChargeAt: DAY,
      planName: 'Pro',
      amountCents: 123_450,
      currency: 'NOK',
      interval: '3 months',
    },
    nb: {
      subject: 'Kortet ditt utløper snart',
      says: [
        'Visa-kortet ditt som slutter på 4242 utløper ved utgangen av desember 2026.',
        'Oppdater betalingsmåten din før 9. desember 2026, da 1 234,50 kr for Pro (hver 3. måned) forfaller, så abonnementet ditt fortsetter uten avbrudd.',
        `Oppdater den her: ${PORTAL}`,
      ],
    },
    en: {
      subject: 'Your card is about to expire',
      says: ['Your Visa ending in 4242 expires at the end of December 2026.', 'before 9 December 2026, when NOK 1,234.50 for Pro (every 3 months) is due'],
    },
  },
  final_notice: {
    content: { template: 'final_notice', invoiceNumber: 'INV-sub_1-0002', amountCents: 123_450, currency: 'NOK', finalAttemptAt: LATE, consequence: 'cancel' },
    nb: {
      subject: 'Siste varsel: faktura 2026-0042 er ikke betalt',
      says: [
        'Vi har ikke klart å belaste 1 234,50 kr for faktura 2026-0042.',
        'Vi gjør et siste forsøk 10. desember 2026 kl. 00:30 CET. Mislykkes det, blir abonnementet ditt avsluttet.',
        `Oppdater betalingsmåten din her: ${PORTAL}`,
      ],
    },
    en: {
      subject: 'Final notice: invoice 2026-0042 is unpaid',
      says: ['We will make a final attempt on 10 December 2026 at 00:30 CET. If it fails, your subscription will be canceled.'],
    },
  },
  trial_ending: {
    content: { template: 'trial_ending', trialEnd: DAY, planName: 'Pro', amountCents: 123_450, currency: 'NOK' },
    nb: {
      subject: 'Prøveperioden din slutter snart',
      says: ['Prøveperioden din for Pro slutter 9. desember 2026.', 'Da belaster vi betalingsmåten din 1 234,50 kr. Du trenger ikke gjøre noe hvis du vil fortsette.'],
    },
    en: { subject: 'Your trial ends soon', says: ['Your free trial of Pro ends on 9 December 2026.', 'Your payment method will then be charged NOK 1,234.50.'] },
  },
  plan_changed: {
    content: { template: 'plan_changed', fromPlan: 'Basic', toPlan: 'Pro', amountCents: 123_450, currency: 'NOK', interval: 'year', effectiveAt: DAY, invoiceNumber: 'INV-sub_1-0002' },
    nb: {
      subject: 'Planen din er nå Pro',
      says: [
        'Abonnementet ditt ble endret fra Basic til Pro 9. desember 2026.',
        'Den nye prisen er 1 234,50 kr per år.',
        'Prisforskjellen for resten av perioden ble fakturert på faktura 2026-0042.',
      ],
    },
    en: { subject: 'Your plan is now Pro', says: ['Your subscription changed from Basic to Pro on 9 December 2026.', 'The new price is NOK 1,234.50 per year.'] },
  },
  canceled: {
    content: { template: 'canceled', reason: 'requested', endedAt: DAY, refundCents: 123_450, currency: 'NOK' },
    nb: {
      subject: 'Abonnementet ditt er avsluttet',
      says: [
        'Abonnementet ditt ble sagt opp slik du ba om, og ble avsluttet 9. desember 2026.',
        'Vi har betalt tilbake 1 234,50 kr for tiden du ikke har brukt.',
        'Du kan tegne abonnement igjen når som helst.',
      ],
    },
    en: { subject: 'Your subscription has ended', says: ['Your subscription was canceled as requested and ended on 9 December 2026.', 'We refunded NOK 1,234.50 for the unused time.'] },
  },
  credit_refunded: {
    content: { template: 'credit_refunded', amountCents: 123_450, currency: 'NOK' },
    nb: {
      subject: 'Kreditten din er betalt tilbake',
      says: ['Vi har betalt tilbake 1 234,50 kr til kortet ditt: kreditten som sto igjen på abonnementet ditt da det ble avsluttet.'],
    },
    en: { subject: 'Your account credit was refunded', says: ['We refunded NOK 1,234.50 to your card: the account credit left on your subscription when it ended.'] },
  },
  unpaid: {
    content: { template: 'unpaid', invoiceNumber: 'INV-sub_1-0002', amountCents: 123_450, currency: 'NOK' },
    nb: {
      subject: 'Abonnementet ditt er stanset',
      says: ['Vi fikk ikke belastet 1 234,50 kr for faktura 2026-0042, så abonnementet ditt er stanset.', 'Legg inn en ny betalingsmåte for å aktivere det igjen.'],
    },
    en: { subject: 'Your subscription is suspended', says: ['We could not collect NOK 1,234.50 for invoice 2026-0042, so your subscription is suspended.'] },
  },
  paused: {
    content: { template: 'paused', resumesAt: DAY, creditCents: 123_450, currency: 'NOK' },
    nb: {
      subject: 'Abonnementet ditt er satt på pause',
      says: ['Abonnementet ditt er satt på pause til 9. desember 2026.', 'Den ubrukte delen av inneværende periode, 1 234,50 kr, blir trukket fra neste faktura.'],
    },
    en: { subject: 'Your subscription is paused', says: ['Your subscription is paused until 9 December 2026.', 'The unused part of your current period, NOK 1,234.50, is credited'] },
  },
  resumed: {
    content: { template: 'resumed', nextBillingAt: DAY },
    nb: { subject: 'Abonnementet ditt er aktivt igjen', says: ['Velkommen tilbake! Abonnementet ditt er gjenopptatt, og inneværende periode varer til 9. desember 2026.'] },
    en: { subject: 'Your subscription is active again', says: ['Welcome back! Your subscription has resumed; the current period runs until 9 December 2026.'] },
  },
  offer: {
    content: {
      template: 'offer',
      offerId: 'OFR-1',
      fromPlan: 'Basic',
      toPlan: 'Pro',
      toPlanAmountCents: 123_450,
      currency: 'NOK',
      interval: 'month',
      percentOff: 12.5,
      discountPeriods: 3,
      expiresAt: DAY,
    },
    nb: {
      subject: 'Et tilbud til deg: Pro med 12,5 % rabatt',
      says: [
        'Du har Basic. Pro koster 1 234,50 kr per måned, og for deg blir det 12,5 % billigere de neste 3 faktureringsperiodene.',
        `Ta imot tilbudet her: ${OFFER}`,
        'Tilbudet gjelder til 9. desember 2026.',
      ],
    },
    en: {
      subject: 'An offer for you: Pro at 12.5% off',
      says: ['You are on Basic. Pro costs NOK 1,234.50 per month, and for you 12.5% less for your next 3 billing periods.', 'The offer is open until 9 December 2026.'],
    },
  },
};

const EACH = (Object.keys(CASES) as CustomerTemplate[]).flatMap((template) => (['nb', 'en'] as const).map((language) => ({ template, language })));

describe('customer emails in the billing profile’s language', () => {
  test.each(EACH)('$template in $language: subject, sentences, greeting, footer and lang', ({ template, language }) => {
    const { content, [language]: expected } = CASES[template];
    const { subject, text, html } = render(content, language);
    expect(subject).toBe(expected.subject);
    for (const sentence of expected.says) expect(text).toContain(sentence);
    expect(text.startsWith(`${language === 'nb' ? 'Hei' : 'Hello'} Kari,\n\n`)).toBe(true);
    expect(text.endsWith(`\n\n-- \n${language === 'nb' ? 'Abonnement' : 'Subscription'} sub_1\n`)).toBe(true);
    expect(html.startsWith(`<!doctype html><html lang="${language}">`)).toBe(true);
    expect(html).toContain(`<p>${language === 'nb' ? 'Hei' : 'Hello'} <bdi>Kari</bdi>,</p>`);
  });

  test('a Norwegian email has no English sentence left in it', () => {
    for (const template of Object.keys(CASES) as CustomerTemplate[]) {
      const { text } = render(CASES[template].content, 'nb');
      // The decline message is the payment provider's own, quoted as it gave it.
      expect(text.replace('Your card was declined.', '')).not.toMatch(/\b(?:your|the|we|subscription|invoice|payment|per month)\b/i);
    }
  });

  test('without a language (no billing profile, or one that names none) the email is in English', () => {
    const rendered = renderEmail(intent(CASES.resumed.content), { language: null });
    expect(rendered.subject).toBe('Your subscription is active again');
    expect(rendered.html.startsWith('<!doctype html><html lang="en">')).toBe(true);
  });
});

describe('formats', () => {
  test('money keeps Intl’s no-break spaces, so an amount never breaks across lines', () => {
    const { text } = renderEmail(intent(CASES.unpaid.content), { language: 'nb' });
    expect(text).toContain('1\u00a0234,50\u00a0kr');
    expect(renderEmail(intent(CASES.unpaid.content), { language: 'en' }).text).toContain('NOK\u00a01,234.50');
  });

  test('euro amounts and negative amounts as each locale writes them', () => {
    const content: EmailContent = { template: 'receipt', invoiceNumber: 'INV-1', amountCents: 900, currency: 'EUR', paidAt: DAY };
    const facts = { lines: [{ description: 'Credit', amountCents: -590 }] };
    expect(plain(renderEmail(intent(content), { ...facts, language: 'nb' }).text)).toContain(`  ${'Credit'.padEnd(60)} −5,90 €`);
    expect(plain(renderEmail(intent(content), { ...facts, language: 'en' }).text)).toContain(`  ${'Credit'.padEnd(60)} -€5.90`);
  });

  test('dates and times are in the subscription’s time zone; in UTC when the intent has none', () => {
    const content = CASES.final_notice.content;
    expect(render(content, 'nb', 'Europe/Oslo').text).toContain('siste forsøk 10. desember 2026 kl. 00:30 CET.');
    expect(render(content, 'nb', null).text).toContain('siste forsøk 9. desember 2026 kl. 23:30 UTC.');
    expect(render(content, 'en', null).text).toContain('final attempt on 9 December 2026 at 23:30 UTC.');
    expect(render({ template: 'resumed', nextBillingAt: LATE }, 'nb', 'Europe/Oslo').text).toContain('varer til 10. desember 2026.');
    expect(render({ template: 'resumed', nextBillingAt: LATE }, 'nb', 'America/New_York').text).toContain('varer til 9. desember 2026.');
  });

  test('intervals of more than one unit, in words', () => {
    const content = (interval: string): EmailContent => ({ ...(CASES.plan_changed.content as Extract<EmailContent, { template: 'plan_changed' }>), interval });
    expect(render(content('2 weeks'), 'nb').text).toContain('Den nye prisen er 1 234,50 kr hver 2. uke.');
    expect(render(content('2 years'), 'nb').text).toContain('Den nye prisen er 1 234,50 kr hvert 2. år.');
    expect(render(content('2 weeks'), 'en').text).toContain('The new price is NOK 1,234.50 every 2 weeks.');
  });
});

describe('emails whose language is not the customer’s', () => {
  test('the chargeback email to operations stays in English, even for a Norwegian customer', () => {
    const dispute: EmailContent = {
      template: 'dispute_opened',
      invoiceNumber: 'INV-sub_1-0002',
      disputeId: 'dp_1',
      amountCents: 123_450,
      currency: 'NOK',
      reason: 'product_not_received',
      customerEmail: 'kari@example.no',
    };
    const { subject, text, html } = render(dispute, 'nb');
    expect(subject).toBe('Chargeback on invoice 2026-0042: NOK 1,234.50');
    expect(text).toContain('kari@example.no disputed the payment of invoice 2026-0042 with their bank (reason: product not received).');
    expect(text.startsWith('Hello Kari,')).toBe(true);
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
  });

  test('the portal sign-in email speaks the language the portal chose for it', () => {
    const signIn: EmailContent = { template: 'portal_sign_in', tokenId: 'psi_1', language: 'nb', portalName: 'Fjord', validMinutes: 15, next: null };
    const rendered = renderEmail({ key: 'portal-sign-in/psi_1', to: 'kari@example.no', customerName: 'Kari', subscriptionId: null, content: signIn }, { language: 'en' });
    expect(rendered.subject).toBe('Logg inn på Fjord');
    expect(rendered.html.startsWith('<!doctype html><html lang="nb">')).toBe(true);
    expect(rendered.text).toContain('Logg inn her: (lenken er ikke tilgjengelig)');
  });

  test('the quote email speaks the language the API chose for it (the customer may have no account yet)', () => {
    const quote: EmailContent = { template: 'quote', quoteId: 'quo_1', language: 'nb', planName: 'Pro', firstInvoiceCents: 123_450, currency: 'NOK', expiresAt: DAY };
    const link = 'https://billing.example.com/portal/quotes/quo_1.sig';
    const rendered = renderEmail({ key: 'quote/quo_1', to: 'kari@example.no', customerName: 'Kari', subscriptionId: null, content: quote }, { language: 'en', links: { quote: link } });
    expect(rendered.subject).toBe('Ditt tilbud på Pro');
    expect(plain(rendered.text)).toContain('Her er tilbudet vi har laget til deg: Pro, med en første faktura på 1 234,50 kr.');
    expect(rendered.text).toContain(`Se alle linjene og godta tilbudet her: ${link}`);
    expect(plain(rendered.text)).toContain('Tilbudet gjelder til 9. desember 2026.');
    const english = renderEmail({ key: 'quote/quo_1', to: 'ada@example.com', customerName: 'Ada', subscriptionId: null, content: { ...quote, language: 'en' } }, { language: 'nb', links: { quote: link } });
    expect(english.subject).toBe('Your quote for Pro');
    expect(english.html).toContain(`<a href="${link}">${link}</a>`);
  });
});
