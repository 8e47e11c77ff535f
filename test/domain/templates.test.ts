import type { EmailContent, EmailIntent, EmailTemplate } from '../../domain/effects';
import { renderEmail, type InvoiceLineForEmail } from '../../emails/templates';

function intent(content: EmailContent, customerName: string | null = 'Ada'): EmailIntent {
  return { key: `sub_1/${content.template}/x`, to: 'ada@example.com', customerName, subscriptionId: 'sub_1', content };
}

/** The paragraphs of a rendered text email between the greeting and the footer (tables included). */
function paragraphs(text: string): string[] {
  const parts = text.split('\n\n');
  return parts.slice(1, -1);
}

const ALL_TEMPLATES: EmailTemplate[] = [
  'welcome',
  'receipt',
  'payment_failed',
  'final_notice',
  'trial_ending',
  'plan_changed',
  'canceled',
  'unpaid',
  'paused',
  'resumed',
];

/** One case per variant: the content, its subject and the paragraphs of its text. */
const CASES: Array<{ name: string; content: EmailContent; subject: string; body: string[] }> = [
  {
    name: 'welcome, paid',
    content: { template: 'welcome', planName: 'Pro monthly', amountCents: 2_900, currency: 'EUR', interval: 'month', trialEnd: null },
    subject: 'Welcome to Pro monthly',
    body: ['Your Pro monthly subscription is set up: €29.00 per month.', 'Your first payment went through. Thank you!'],
  },
  {
    name: 'welcome, with a trial',
    content: { template: 'welcome', planName: 'Business yearly', amountCents: 999_000, currency: 'NOK', interval: 'year', trialEnd: '2028-02-14T10:00:00.000Z' },
    subject: 'Welcome to Business yearly',
    body: [
      'Your Business yearly subscription is set up: NOK\u00a09,990.00 per year.',
      'Your free trial runs until 14 February 2028; you will not be charged before then.',
    ],
  },
  {
    name: 'payment_failed, retry scheduled',
    content: {
      template: 'payment_failed',
      invoiceNumber: 'INV-sub_1-0002',
      amountCents: 900,
      currency: 'EUR',
      attempt: 1,
      declineMessage: 'Your card has insufficient funds.',
      nextRetryAt: '2028-03-03T10:00:00.000Z',
      deadline: '2028-03-21T10:00:00.000Z',
      consequence: 'cancel',
    },
    subject: 'Payment failed for invoice INV-sub_1-0002',
    body: [
      'We could not charge €9.00 for invoice INV-sub_1-0002 (attempt 1): Your card has insufficient funds.',
      'We will try again on 3 March 2028 at 10:00 UTC. To avoid another failure, update your payment method before then.',
      'If the invoice is still unpaid on 21 March 2028 at 10:00 UTC, your subscription will be canceled.',
    ],
  },
  {
    name: 'payment_failed, waiting for a new payment method, no deadline',
    content: {
      template: 'payment_failed',
      invoiceNumber: 'INV-sub_1-0003',
      amountCents: 900,
      currency: 'EUR',
      attempt: 2,
      declineMessage: 'Your card was reported stolen.',
      nextRetryAt: null,
      deadline: null,
      consequence: null,
    },
    subject: 'Payment failed for invoice INV-sub_1-0003',
    body: [
      'We could not charge €9.00 for invoice INV-sub_1-0003 (attempt 2): Your card was reported stolen.',
      'Please update your payment method; we will charge it as soon as you do.',
    ],
  },
  {
    name: 'final_notice, cancel',
    content: { template: 'final_notice', invoiceNumber: 'INV-sub_1-0002', amountCents: 900, currency: 'EUR', finalAttemptAt: '2028-03-21T10:00:00.000Z', consequence: 'cancel' },
    subject: 'Final notice: invoice INV-sub_1-0002 is unpaid',
    body: [
      'We have not been able to collect €9.00 for invoice INV-sub_1-0002.',
      'We will make a final attempt on 21 March 2028 at 10:00 UTC. If it fails, your subscription will be canceled.',
    ],
  },
  {
    name: 'final_notice, unpaid',
    content: { template: 'final_notice', invoiceNumber: 'INV-sub_1-0002', amountCents: 900, currency: 'EUR', finalAttemptAt: '2028-03-21T10:00:00.000Z', consequence: 'unpaid' },
    subject: 'Final notice: invoice INV-sub_1-0002 is unpaid',
    body: [
      'We have not been able to collect €9.00 for invoice INV-sub_1-0002.',
      'We will make a final attempt on 21 March 2028 at 10:00 UTC. If it fails, your subscription will be suspended until you update your payment method.',
    ],
  },
  {
    name: 'trial_ending',
    content: { template: 'trial_ending', trialEnd: '2028-02-14T10:00:00.000Z', planName: 'Business monthly', amountCents: 9_900, currency: 'EUR' },
    subject: 'Your trial ends soon',
    body: [
      'Your free trial of Business monthly ends on 14 February 2028.',
      'Your payment method will then be charged €99.00. Nothing to do if you want to continue.',
    ],
  },
  {
    name: 'plan_changed, billed now',
    content: {
      template: 'plan_changed',
      fromPlan: 'Basic monthly',
      toPlan: 'Pro monthly',
      amountCents: 2_900,
      currency: 'EUR',
      interval: 'month',
      effectiveAt: '2028-02-10T10:00:00.000Z',
      invoiceNumber: 'INV-sub_1-0002',
    },
    subject: 'Your plan is now Pro monthly',
    body: [
      'Your subscription changed from Basic monthly to Pro monthly on 10 February 2028.',
      'The new price is €29.00 per month.',
      'The prorated difference was billed on invoice INV-sub_1-0002.',
    ],
  },
  {
    name: 'plan_changed, at period end',
    content: {
      template: 'plan_changed',
      fromPlan: 'Pro monthly',
      toPlan: 'Basic monthly',
      amountCents: 900,
      currency: 'EUR',
      interval: 'month',
      effectiveAt: '2028-02-29T10:00:00.000Z',
      invoiceNumber: null,
    },
    subject: 'Your plan is now Basic monthly',
    body: ['Your subscription changed from Pro monthly to Basic monthly on 29 February 2028.', 'The new price is €9.00 per month.'],
  },
  {
    name: 'plan_changed, a new price version of the same plan',
    content: {
      template: 'plan_changed',
      fromPlan: 'Pro monthly',
      toPlan: 'Pro monthly',
      amountCents: 3_400,
      currency: 'EUR',
      interval: 'month',
      effectiveAt: '2028-02-29T10:00:00.000Z',
      invoiceNumber: null,
      repriced: true,
    },
    subject: 'The price of Pro monthly has changed',
    body: ['The price of your Pro monthly subscription changed on 29 February 2028.', 'The new price is €34.00 per month.'],
  },
  {
    name: 'canceled, requested, with a refund',
    content: { template: 'canceled', reason: 'requested', endedAt: '2028-02-10T10:00:00.000Z', refundCents: 590, currency: 'EUR' },
    subject: 'Your subscription has ended',
    body: [
      'Your subscription was canceled as requested and ended on 10 February 2028.',
      'We refunded €5.90 for the unused time.',
      'You can subscribe again at any time.',
    ],
  },
  {
    name: 'canceled, non-payment',
    content: { template: 'canceled', reason: 'non_payment', endedAt: '2028-03-21T10:00:00.000Z', refundCents: 0, currency: 'EUR' },
    subject: 'Your subscription has ended',
    body: ['Your subscription was canceled on 21 March 2028 because we could not collect payment.', 'You can subscribe again at any time.'],
  },
  {
    name: 'canceled, first payment not completed',
    content: { template: 'canceled', reason: 'payment_not_completed', endedAt: '2028-02-01T09:00:00.000Z', refundCents: 0, currency: 'EUR' },
    subject: 'Your subscription has ended',
    body: ['Your subscription was not started because the first payment was not completed.', 'You can subscribe again at any time.'],
  },
  {
    name: 'unpaid',
    content: { template: 'unpaid', invoiceNumber: 'INV-sub_1-0002', amountCents: 900, currency: 'EUR' },
    subject: 'Your subscription is suspended',
    body: [
      'We could not collect €9.00 for invoice INV-sub_1-0002, so your subscription is suspended.',
      'Add a new payment method to reactivate it.',
    ],
  },
  {
    name: 'paused, until a date, with a credit',
    content: { template: 'paused', resumesAt: '2028-04-10T10:00:00.000Z', creditCents: 590, currency: 'EUR' },
    subject: 'Your subscription is paused',
    body: [
      'Your subscription is paused until 10 April 2028.',
      'The unused part of your current period, €5.90, is credited to your next invoice.',
    ],
  },
  {
    name: 'paused, open-ended, no credit',
    content: { template: 'paused', resumesAt: null, creditCents: 0, currency: 'EUR' },
    subject: 'Your subscription is paused',
    body: ['Your subscription is paused until you resume it.'],
  },
  {
    name: 'resumed',
    content: { template: 'resumed', nextBillingAt: '2028-03-31T10:00:00.000Z' },
    subject: 'Your subscription is active again',
    body: ['Welcome back! Your subscription has resumed; the current period runs until 31 March 2028.'],
  },
  {
    name: 'receipt',
    content: { template: 'receipt', invoiceNumber: 'INV-sub_1-0001', amountCents: 900, currency: 'EUR', paidAt: '2028-01-31T10:00:05.000Z' },
    subject: 'Receipt for invoice INV-sub_1-0001',
    body: ['We received your payment of €9.00 on 31 January 2028.', `  ${'Total paid'.padEnd(60)} €9.00`],
  },
];

describe('renderEmail', () => {
  test('the cases below cover every template', () => {
    expect(new Set(CASES.map((c) => c.content.template))).toEqual(new Set(ALL_TEMPLATES));
  });

  test.each(CASES)('$name: subject, text and HTML', ({ content, subject, body }) => {
    const rendered = renderEmail(intent(content));
    expect(rendered.subject).toBe(subject);
    expect(rendered.text.startsWith('Hello Ada,\n\n')).toBe(true);
    expect(rendered.text.endsWith('\n\n-- \nSubscription sub_1\n')).toBe(true);
    expect(paragraphs(rendered.text)).toEqual(body);
    expect(rendered.html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(rendered.html).toContain('<p>Hello <bdi>Ada</bdi>,</p>');
    for (const paragraph of body.filter((p) => !p.startsWith('  '))) {
      expect(rendered.html).toContain(`<p>${paragraph.replace(/'/g, '&#39;')}</p>`);
    }
    expect(rendered.html).toContain('<p style="color:#777">Subscription sub_1</p>');
    expect(rendered.html.trimEnd().endsWith('</body></html>')).toBe(true);
  });

  test('rendering is pure: the same intent gives the same message', () => {
    for (const { content } of CASES) expect(renderEmail(intent(content))).toEqual(renderEmail(intent(content)));
  });

  test('greets by email address when the customer has no name', () => {
    const rendered = renderEmail(intent({ template: 'resumed', nextBillingAt: '2028-03-31T10:00:00.000Z' }, null));
    expect(rendered.text.startsWith('Hello ada@example.com,')).toBe(true);
    expect(rendered.html).toContain('<p>Hello <bdi>ada@example.com</bdi>,</p>');
  });
});

describe('renderEmail: receipt', () => {
  const lines: InvoiceLineForEmail[] = [
    { description: 'Unused time on Basic monthly, 2028-02-10 – 2028-02-29', amountCents: -590 },
    { description: 'Remaining time on Pro monthly, 2028-02-10 – 2028-02-29', amountCents: 1_900 },
    { description: 'Applied account credit', amountCents: -500 },
  ];
  const content: EmailContent = { template: 'receipt', invoiceNumber: 'INV-sub_1-0002', amountCents: 810, currency: 'EUR', paidAt: '2028-02-10T10:00:03.000Z' };

  test('lists every invoice line with its amount, then the total paid, in the text', () => {
    const { text } = renderEmail(intent(content), { lines });
    const table = paragraphs(text).at(-1)!.split('\n');
    expect(table).toEqual([
      `  ${'Unused time on Basic monthly, 2028-02-10 – 2028-02-29'.padEnd(60)} -€5.90`,
      `  ${'Remaining time on Pro monthly, 2028-02-10 – 2028-02-29'.padEnd(60)} €19.00`,
      `  ${'Applied account credit'.padEnd(60)} -€5.00`,
      `  ${'Total paid'.padEnd(60)} €8.10`,
    ]);
    expect(text).toContain('We received your payment of €8.10 on 10 February 2028.');
  });

  test('renders the lines and the total as an HTML table', () => {
    const { html } = renderEmail(intent(content), { lines });
    expect(html).toContain(
      '<table cellpadding="4">' +
        '<tr><td>Unused time on Basic monthly, 2028-02-10 – 2028-02-29</td><td align="right">-€5.90</td></tr>' +
        '<tr><td>Remaining time on Pro monthly, 2028-02-10 – 2028-02-29</td><td align="right">€19.00</td></tr>' +
        '<tr><td>Applied account credit</td><td align="right">-€5.00</td></tr>' +
        '<tr><td>Total paid</td><td align="right">€8.10</td></tr>' +
        '</table>',
    );
  });

  test('amounts use the currency’s minor units (NOK: 2 decimals)', () => {
    const { text } = renderEmail(intent({ ...content, amountCents: 29_900, currency: 'NOK' }), { lines: [{ description: 'Pro monthly', amountCents: 29_900 }] });
    expect(text).toContain('NOK\u00a0299.00');
  });

  test('templates without a table render none', () => {
    expect(renderEmail(intent({ template: 'resumed', nextBillingAt: '2028-03-31T10:00:00.000Z' }), { lines }).html).not.toContain('<table');
  });
});

describe('renderEmail: HTML escaping', () => {
  test('a name written right to left, or with a direction override, is isolated in HTML so it cannot reorder the greeting', () => {
    const { html } = renderEmail(intent({ template: 'resumed', nextBillingAt: '2028-03-31T10:00:00.000Z' }, 'ليلى \u202eevil'));
    expect(html).toContain('<p>Hello <bdi>ليلى \u202eevil</bdi>,</p>');
  });

  test('in plain text, such a name goes between FSI and PDI, and an ordinary name stays as it is', () => {
    const resumed = { template: 'resumed', nextBillingAt: '2028-03-31T10:00:00.000Z' } as const;
    expect(renderEmail(intent(resumed, 'ليلى \u202eevil')).text).toMatch(/^Hello \u2068ليلى \u202eevil\u2069,\n/);
    expect(renderEmail(intent(resumed, 'Ada \u202eevil')).text).toMatch(/^Hello \u2068Ada \u202eevil\u2069,\n/);
    expect(renderEmail(intent(resumed, 'Åse Øvrebø')).text).toMatch(/^Hello Åse Øvrebø,\n/);
  });

  const nasty = `Ada <script>alert("x")</script> & O'Brien`;

  test('the customer name is escaped in HTML and kept as is in text', () => {
    const { html, text } = renderEmail(intent({ template: 'resumed', nextBillingAt: '2028-03-31T10:00:00.000Z' }, nasty));
    expect(html).toContain('<p>Hello <bdi>Ada &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#39;Brien</bdi>,</p>');
    expect(html).not.toContain('<script>');
    expect(text.startsWith(`Hello ${nasty},`)).toBe(true);
  });

  test('content from outside (decline messages, plan names) is escaped in HTML', () => {
    const failed = renderEmail(
      intent({
        template: 'payment_failed',
        invoiceNumber: 'INV-1',
        amountCents: 900,
        currency: 'EUR',
        attempt: 1,
        declineMessage: '<b>Declined</b> & "blocked"',
        nextRetryAt: null,
        deadline: null,
        consequence: null,
      }),
    );
    expect(failed.html).toContain('&lt;b&gt;Declined&lt;/b&gt; &amp; &quot;blocked&quot;');
    expect(failed.html).not.toContain('<b>');
    expect(failed.text).toContain('<b>Declined</b> & "blocked"');

    const welcome = renderEmail(intent({ template: 'welcome', planName: 'Pro <i>plus</i>', amountCents: 100, currency: 'EUR', interval: 'month', trialEnd: null }));
    expect(welcome.html).toContain('Pro &lt;i&gt;plus&lt;/i&gt;');
    expect(welcome.html).not.toContain('<i>');
  });

  test('receipt line descriptions are escaped in the HTML table', () => {
    const { html } = renderEmail(
      intent({ template: 'receipt', invoiceNumber: 'INV-1', amountCents: 100, currency: 'EUR', paidAt: '2028-02-10T10:00:00.000Z' }),
      { lines: [{ description: 'Add-on <img src=x onerror=alert(1)> & more', amountCents: 100 }] },
    );
    expect(html).toContain('<td>Add-on &lt;img src=x onerror=alert(1)&gt; &amp; more</td>');
    expect(html).not.toContain('<img');
  });
});

describe('payment_failed names what happens at the deadline', () => {
  const content = (consequence: 'cancel' | 'unpaid' | 'expire') => ({
    template: 'payment_failed' as const,
    invoiceNumber: 'INV-sub_1-0002',
    amountCents: 900,
    currency: 'EUR',
    attempt: 1,
    declineMessage: 'Your card was declined.',
    nextRetryAt: null,
    deadline: '2028-03-21T10:17:42.000Z',
    consequence,
  });
  const intent = (consequence: 'cancel' | 'unpaid' | 'expire') => ({
    key: 'k',
    to: 'ada@example.com',
    customerName: 'Ada',
    subscriptionId: 'sub_1',
    content: content(consequence),
  });

  test.each([
    ['cancel', 'your subscription will be canceled.'],
    ['unpaid', 'your subscription will be suspended.'],
    ['expire', 'your subscription will not start.'],
  ] as const)('%s: "%s", with the time to the minute and its zone (UTC without one)', (consequence, sentence) => {
    const { text } = renderEmail(intent(consequence));
    expect(text).toContain(`If the invoice is still unpaid on 21 March 2028 at 10:17 UTC, ${sentence}`);
  });
});

describe('renderEmail: portal sign-in', () => {
  const signIn = (language: 'nb' | 'en'): EmailIntent => ({
    key: 'portal-sign-in/psi_1',
    to: 'kari@example.no',
    customerName: 'Kari',
    subscriptionId: null,
    content: { template: 'portal_sign_in', tokenId: 'psi_1', language, portalName: 'Fjord Abonnement', validMinutes: 15, next: null },
  });
  const link = 'https://billing.example.test/portal/sign-in/link?token=psi_1.sig';

  test('in bokmål, with the link as a link in HTML, and no subscription in the footer', () => {
    const rendered = renderEmail(signIn('nb'), { links: { signIn: link } });
    expect(rendered.subject).toBe('Logg inn på Fjord Abonnement');
    expect(rendered.text.startsWith('Hei Kari,\n\n')).toBe(true);
    expect(paragraphs(rendered.text)).toEqual([
      'Noen, forhåpentligvis du, ba om å logge inn på Fjord Abonnement med denne e-postadressen.',
      `Logg inn her: ${link}`,
      'Lenken kan brukes én gang, innen 15 minutter. Ba du ikke om den, kan du se bort fra denne e-posten: ingen kan logge inn uten lenken.',
    ]);
    expect(rendered.text.endsWith('\n\n-- \nFjord Abonnement\n')).toBe(true);
    expect(rendered.html).toContain('<html lang="nb">');
    expect(rendered.html).toContain(`<p>Logg inn her: <a href="${link}">${link}</a></p>`);
  });

  test('in English', () => {
    const rendered = renderEmail(signIn('en'), { links: { signIn: link } });
    expect(rendered.subject).toBe('Sign in to Fjord Abonnement');
    expect(rendered.text.startsWith('Hello Kari,\n\n')).toBe(true);
    expect(paragraphs(rendered.text)[1]).toBe(`Sign in here: ${link}`);
  });
});
