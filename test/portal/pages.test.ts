// The portal's reading pages against the real stack: the overview and the invoices of the signed-in
// customer only, in their language, and what every page promises (accessible markup, strict CSP,
// branding from configuration).
import type { Express } from 'express';
import request from 'supertest';
import type { SubscriptionView } from '../../workflows/contract';
import type { Harness } from '../support/harness';
import { rawTestApp, startHarness, testApp } from '../support/harness';
import { driver, newCustomer, type Driver } from '../support/lifecycle';
import { Browser, signIn, textOf } from '../support/portal';

let h: Harness;
let app: Express;
let d: Driver;
const subscriptions: Record<string, SubscriptionView> = {};

const NORWEGIAN_PROFILE = { legalName: 'Kari Nordmann', kind: 'consumer', address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' }, language: 'nb' };

beforeAll(async () => {
  h = await startHarness();
  app = rawTestApp(h);
  d = driver(h, testApp(h));
  subscriptions.kari = await d.create({ id: 'pages_kari', customer: { ...newCustomer('pages_kari'), billingProfile: NORWEGIAN_PROFILE }, plan: 'pro-monthly-nok', paymentMethod: 'pm_card_visa' });
  subscriptions.ola = await d.create({ id: 'pages_ola', customer: newCustomer('pages_ola'), plan: 'basic-monthly', paymentMethod: 'pm_card_visa' });
  subscriptions.sca = await d.create({ id: 'pages_sca', customer: newCustomer('pages_sca'), plan: 'basic-monthly', paymentMethod: 'pm_card_authentication_required' });
});
afterAll(async () => {
  await h?.teardown();
});

/** Written out by hand, not by Intl: what a Norwegian and a British reader expect to see. */
const NB_MONTHS = ['januar', 'februar', 'mars', 'april', 'mai', 'juni', 'juli', 'august', 'september', 'oktober', 'november', 'desember'];
const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const nbDate = (iso: string) => ((d) => `${d.getUTCDate()}. ${NB_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`)(new Date(iso));
const enDate = (iso: string) => ((d) => `${d.getUTCDate()} ${EN_MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`)(new Date(iso));

async function signedIn(name: string, headers: Record<string, string> = {}): Promise<Browser> {
  const browser = new Browser(app, headers);
  await signIn(h, browser, `${name}@example.com`);
  return browser;
}

describe('the overview', () => {
  test("speaks the customer's profile language (bokmål), whatever the browser says, with Norwegian dates and money", async () => {
    const browser = await signedIn('pages_kari', { 'accept-language': 'en-GB,en;q=0.9' });
    const page = await browser.get('/portal');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="nb">');
    const text = textOf(page.text);
    expect(text).toContain('Dine abonnementer');
    expect(text).toContain('Pro monthly Status Aktivt');
    expect(text).toContain(`Neste fornyelse 299,00 kr den ${nbDate(subscriptions.kari!.currentPeriod.end)}`);
    expect(text).toContain('Betalingsmåte pm_card_visa');
    // Only this customer's subscriptions.
    expect(text).not.toContain('Basic monthly');
  });

  test("without a profile language, the browser's Accept-Language decides: bokmål for nb-NO, English otherwise", async () => {
    const end = subscriptions.ola!.currentPeriod.end;
    const norwegian = textOf((await (await signedIn('pages_ola', { 'accept-language': 'nb-NO,nb;q=0.9,en;q=0.5' })).get('/portal')).text);
    expect(norwegian).toContain(`Basic monthly Status Aktivt Neste fornyelse 9,00 € den ${nbDate(end)}`);
    for (const headers of [{}, { 'accept-language': 'fr-FR,de;q=0.8' }] as Array<Record<string, string>>) {
      const page = await (await signedIn('pages_ola', headers)).get('/portal');
      expect(page.text).toContain('<html lang="en">');
      expect(textOf(page.text)).toContain(`Basic monthly Status Active Next renewal €9.00 on ${enDate(end)}`);
    }
  });

  test('shows a payment in flight, with the link to confirm it', async () => {
    const { actionUrl } = subscriptions.sca!.pendingPayment!;
    expect(actionUrl).toMatch(/^https:\/\//);
    const page = await (await signedIn('pages_sca')).get('/portal');
    const text = textOf(page.text);
    expect(text).toContain('Status Waiting for the first payment Next renewal None scheduled');
    expect(text).toContain('Payment in progress Your bank asks you to confirm a payment of €9.00. Confirm the payment');
    expect(page.text).toContain(`<a class="button" href="${actionUrl}">Confirm the payment</a>`);
  });
});

describe('invoices', () => {
  test("lists the customer's invoices, and each PDF downloads", async () => {
    const browser = await signedIn('pages_kari');
    const [invoice] = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'pages_kari' } });
    const page = await browser.get('/portal/invoices');
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain(`${invoice!.number} ${nbDate(invoice!.createdAt.toISOString())}`);
    expect(text).toContain('299,00 kr Betalt');
    expect(page.text).toContain(`href="/portal/invoices/${invoice!.id}/pdf" aria-label="Last ned faktura ${invoice!.number} som PDF"`);

    const pdf = await browser.get(`/portal/invoices/${invoice!.id}/pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename=".+\.pdf"$/);
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });

  test("another customer's invoice is a 404, exactly like one that does not exist", async () => {
    const browser = await signedIn('pages_kari');
    const [theirs] = await h.db.prisma.invoice.findMany({ where: { subscriptionId: 'pages_ola' } });
    const other = await browser.get(`/portal/invoices/${theirs!.id}/pdf`);
    const absent = await browser.get('/portal/invoices/00000000-0000-0000-0000-000000000000/pdf');
    expect([other.status, absent.status]).toEqual([404, 404]);
    expect(other.text).toBe(absent.text);
    expect((await browser.get('/portal/invoices')).text).not.toContain(theirs!.id);
  });
});

describe('isolation', () => {
  test("another customer's subscription in an offer's address is a 404", async () => {
    const browser = await signedIn('pages_kari');
    expect((await browser.get('/portal/offers/pages_ola/OFR-pages_ola-0001')).status).toBe(404);
    expect((await browser.get('/portal/offers/pages_absent/OFR-pages_absent-0001')).status).toBe(404);
  });
});

describe('every page', () => {
  test('is a proper document: lang, a skip link to the main content, labelled fields, no inline script or style', async () => {
    const page = await new Browser(app, { 'accept-language': 'nb' }).get('/portal/sign-in');
    expect(page.text).toMatch(/^<!doctype html>\n<html lang="nb">/);
    expect(page.text).toContain('<a class="skip-link" href="#main">Hopp til hovedinnholdet</a>');
    expect(page.text).toContain('<main id="main" tabindex="-1">');
    const ids = [...page.text.matchAll(/<input id="([^"]+)"/g)].map((match) => match[1]);
    expect(ids).toEqual(['email']);
    expect(page.text).toContain('<label for="email">E-postadresse</label>');
    expect(page.text).not.toMatch(/<script|\sstyle=|\son\w+=/);
  });

  test('is served under a strict Content-Security-Policy, never cached, and with its stylesheets', async () => {
    const page = await request(app).get('/portal/sign-in');
    const csp = page.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const css = await request(app).get('/portal/assets/portal.css');
    expect([css.status, css.headers['content-type']]).toEqual([200, expect.stringMatching(/^text\/css/)]);
    expect(css.text).toContain(':focus-visible');
    expect((await request(app).get('/portal/assets/theme.css')).text).toBe(':root { --accent: #1d4ed8; }\n');
  });

  test('carries the configured branding: name, logo (allowed by the policy) and accent color', async () => {
    const branded = rawTestApp(h, { portal: { branding: { name: 'Fjord Abonnement', logoUrl: 'https://cdn.example.no/logo.svg', accentColor: '#0b5e3b' } } });
    const page = await request(branded).get('/portal/sign-in');
    expect(page.text).toContain('<title>Sign in – Fjord Abonnement</title>');
    expect(page.text).toContain('<img src="https://cdn.example.no/logo.svg" alt="" class="brand-logo">');
    expect(page.headers['content-security-policy']).toContain("img-src 'self' https://cdn.example.no");
    expect((await request(branded).get('/portal/assets/theme.css')).text).toContain('--accent: #0b5e3b;');
  });

  test('an unknown portal address is a 404 page, not an API-key challenge', async () => {
    const res = await request(app).get('/portal/no-such-page').set('accept-language', 'nb');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(textOf(res.text)).toContain('Fant ikke siden');
  });
});
