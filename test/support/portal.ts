// Driving the customer portal as a browser does: cookies kept between requests, forms read from
// the pages (their hidden fields, CSRF token included) and sent back as form posts.
import type { Express } from 'express';
import request from 'supertest';
import type { ReceivedEmail } from '../../simulator/smtp-catcher';
import { subscriptionWorkflowId } from '../../domain/subscription';
import type { Harness } from './harness';
import { eventually, settled } from './harness';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (text: string) => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);

/** The hidden fields of the page's form that posts to `action`. */
export function formFields(html: string, action: string): Record<string, string> {
  const forms = [...html.matchAll(/<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)];
  const form = forms.find((match) => unescape(match[1]!) === action);
  if (!form) throw new Error(`no form posting to ${action} in the page; forms post to: ${forms.map((match) => match[1]).join(', ')}`);
  const hidden = [...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)];
  return Object.fromEntries(hidden.map((match) => [match[1]!, unescape(match[2]!)]));
}

/** A page's text without markup, whitespace collapsed and Intl's non-breaking spaces made plain. */
export function textOf(html: string): string {
  return unescape(html.replace(/<[^>]+>/g, ' ')).replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

export class Browser {
  readonly cookies = new Map<string, string>();
  private settle?: (subscriptionId: string) => Promise<void>;

  constructor(
    private readonly app: Express,
    private readonly headers: Record<string, string> = {},
  ) {}

  private remember(res: request.Response): request.Response {
    const setCookies = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(at + 1));
    }
    return res;
  }

  /**
   * Waits for `settle(id)` before each request to a subscription's pages: a sync point with the
   * worker, as the driver's API calls have. Without it, a page read or command that meets the
   * workflow's continue-as-new after a time skip can jam the time-skipping server (seen: the
   * worker's last task of the old run refused as "workflow execution already completed", then
   * queries past their deadline and the clock moving at real speed, so later sleeps never end).
   */
  settleSubscriptionsWith(settle: (subscriptionId: string) => Promise<void>): void {
    this.settle = settle;
  }

  private async settled(path: string): Promise<void> {
    const id = /^\/portal\/subscriptions\/([^/?#]+)/.exec(path)?.[1];
    if (id && this.settle) await this.settle(decodeURIComponent(id));
  }

  private with(test: request.Test): request.Test {
    for (const [name, value] of Object.entries(this.headers)) test.set(name, value);
    if (this.cookies.size > 0) test.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    return test;
  }

  async get(path: string): Promise<request.Response> {
    await this.settled(path);
    return this.remember(await this.with(request(this.app).get(path)));
  }

  async post(path: string, form: Record<string, string>): Promise<request.Response> {
    await this.settled(path);
    return this.remember(await this.with(request(this.app).post(path).type('form').send(form)));
  }

  /** Loads `page` and submits its form that posts to `action`, with `fields` filled in. */
  async submit(page: string, action: string, fields: Record<string, string> = {}): Promise<request.Response> {
    const loaded = await this.get(page);
    return this.post(action, { ...formFields(loaded.text, action), ...fields });
  }
}

/** The sign-in emails that arrived for `email`, waiting until there are `count`. */
export async function signInEmails(h: Harness, email: string, count = 1): Promise<ReceivedEmail[]> {
  const mails = () => h.smtp.received.filter((mail) => mail.template === 'portal_sign_in' && mail.to === email);
  return eventually(async () => mails(), (found) => found.length >= count, `${count} sign-in emails to ${email}`);
}

/** Path and query of the link in an email's text. */
export function linkIn(mail: ReceivedEmail): string {
  const url = /https?:\/\/\S+/.exec(mail.text)?.[0];
  if (!url) throw new Error(`no link in the email "${mail.subject}"`);
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** Asks for a link for `email`, opens it and presses Sign in: the browser is then signed in. */
export async function signIn(h: Harness, browser: Browser, email: string): Promise<void> {
  browser.settleSubscriptionsWith((id) => settled(h, subscriptionWorkflowId(id)));
  const before = h.smtp.received.filter((mail) => mail.template === 'portal_sign_in' && mail.to === email).length;
  const asked = await browser.submit('/portal/sign-in', '/portal/sign-in', { email });
  if (asked.status !== 200) throw new Error(`asking for a sign-in link: ${asked.status}`);
  const link = linkIn((await signInEmails(h, email, before + 1))[before]!);
  const signedIn = await browser.submit(link, '/portal/sign-in/link');
  if (signedIn.status !== 303) throw new Error(`signing in: ${signedIn.status} ${textOf(signedIn.text)}`);
}
