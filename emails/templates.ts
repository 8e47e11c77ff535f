// Every email, text and HTML, in one place: which paragraphs each template has. Customer emails
// speak the customer's language (nb or en) with its Intl formats; the sentences are in ./words.
// Rendering is pure: the same intent and facts always give the same message.
import type { IntervalUnit } from '../domain/calendar';
import type { EmailContent, EmailIntent } from '../domain/effects';
import { formatter, type Language } from '../domain/locale-format';
import { escapeHtml } from '../infra/html';
import { emailWords, type EmailWords } from './words';
import { operations } from './words/operations';

export interface InvoiceLineForEmail {
  description: string;
  amountCents: number;
}

/** The invoice an email is about, as finalized: its legal number and VAT. */
export interface InvoiceForEmail {
  number: string;
  netCents: number;
  taxCents: number;
  vatSummary: Array<{ rateBasisPoints: number; netCents: number; taxCents: number; vatCategory: string }>;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** Paragraphs (and optional table rows) before they become text and HTML. */
interface Body {
  subject: string;
  paragraphs: string[];
  table?: Array<[string, string]>;
}

/** Links rendered into emails, computed by the sender (they carry signed tokens). */
export interface EmailLinks {
  offer?: string;
  /** Where the customer gives a new payment method, when the business has such a page. */
  paymentMethod?: string;
  signIn?: string;
  quote?: string;
}

/** What rendering needs besides the intent, read by the sender when it sends. */
export interface EmailFacts {
  /** A receipt's invoice lines. */
  lines?: InvoiceLineForEmail[];
  links?: EmailLinks;
  invoice?: InvoiceForEmail | null;
  /** The customer's language (their billing profile's); null or absent: English. */
  language?: Language | null;
}

/**
 * The language an email is written in: the customer's; the sign-in email's own (the portal chose
 * it); English for operations.
 */
function emailLanguage(content: EmailContent, customerLanguage: Language | null | undefined): Language {
  switch (content.template) {
    case 'portal_sign_in':
    case 'quote':
      return content.language;
    case 'dispute_opened':
      return 'en';
    default:
      return customerLanguage ?? 'en';
  }
}

/** The words of one language and its formats, dates in the subscription's time zone. */
interface Writer {
  words: EmailWords;
  date(iso: string): string;
  dateTime(iso: string): string;
  money(amountCents: number, currency: string): string;
  percent(whole: number): string;
  /** A plan's interval as domain/calendar.ts describeInterval wrote it ("month", "3 months"), in words. */
  interval(described: string): string;
  month(month: number | null, year: number | null): string | null;
}

function writer(language: Language, timeZone: string): Writer {
  const words = emailWords(language);
  const fmt = formatter(language);
  return {
    words,
    date: (iso) => fmt.date(iso, timeZone),
    dateTime: (iso) => fmt.dateTime(iso, timeZone),
    money: (amountCents, currency) => fmt.money(amountCents, currency),
    percent: (whole) => fmt.percent(whole),
    interval(described) {
      const match = /^(?:(\d+) )?(second|day|week|month|year)s?$/.exec(described);
      return match ? words.interval(match[2] as IntervalUnit, Number(match[1] ?? 1)) : described;
    },
    month: (month, year) => (month && year ? fmt.month(year, month) : null),
  };
}

const brandName = (brand: string | null) => (brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : null);

/** The VAT rows of a receipt: the total without VAT, then VAT per rate. */
function vatRows({ words, money, percent }: Writer, invoice: InvoiceForEmail | null, currency: string): Array<[string, string]> {
  if (!invoice) return [];
  return [
    [words.receipt.totalExcludingVat, money(invoice.netCents, currency)],
    ...invoice.vatSummary.map((row): [string, string] => [words.receipt.vatOf(percent(row.rateBasisPoints / 100), money(row.netCents, currency)), money(row.taxCents, currency)]),
  ];
}

function body(write: Writer, content: EmailContent, { lines = [], links = {}, invoice = null }: EmailFacts): Body {
  const { words, date, dateTime, money, interval } = write;
  // The workflow knows its invoices by their reference; customers by their legal number.
  if ('invoiceNumber' in content && content.invoiceNumber !== null && invoice) content = { ...content, invoiceNumber: invoice.number };
  switch (content.template) {
    case 'welcome': {
      const w = words.welcome;
      return {
        subject: w.subject(content.planName),
        paragraphs: [w.setUp(content.planName, money(content.amountCents, content.currency), interval(content.interval)), content.trialEnd ? w.trialUntil(date(content.trialEnd)) : w.paid],
      };
    }
    case 'receipt': {
      const w = words.receipt;
      return {
        subject: w.subject(content.invoiceNumber),
        paragraphs: [w.received(money(content.amountCents, content.currency), date(content.paidAt))],
        table: [
          ...lines.map((line): [string, string] => [line.description, money(line.amountCents, content.currency)]),
          ...vatRows(write, invoice, content.currency),
          [w.totalPaid, money(content.amountCents, content.currency)],
        ],
      };
    }
    case 'payment_failed': {
      const w = words.paymentFailed;
      return {
        subject: w.subject(content.invoiceNumber),
        paragraphs: [
          w.declined(money(content.amountCents, content.currency), content.invoiceNumber, content.attempt, content.declineMessage),
          content.nextRetryAt ? w.retryOn(dateTime(content.nextRetryAt)) : w.noRetry,
          ...(content.deadline && content.consequence ? [w.deadline(dateTime(content.deadline), content.consequence)] : []),
          ...(links.paymentMethod ? [w.updateHere(links.paymentMethod)] : []),
        ],
      };
    }
    case 'dispute_opened': {
      const w = operations.disputeOpened;
      const amount = money(content.amountCents, content.currency);
      return {
        subject: w.subject(content.invoiceNumber, amount),
        paragraphs: [w.disputed(content.customerEmail, content.invoiceNumber, content.reason.replace(/_/g, ' ')), w.answer(content.disputeId, amount)],
      };
    }
    case 'payment_action_required': {
      const w = words.paymentActionRequired;
      return {
        subject: w.subject(content.invoiceNumber),
        paragraphs: [
          w.confirm(money(content.amountCents, content.currency), content.invoiceNumber),
          content.actionUrl ? w.confirmHere(content.actionUrl) : w.confirmInBankApp,
          w.expires(dateTime(content.expiresAt)),
        ],
      };
    }
    case 'payment_method_update': {
      const w = words.paymentMethodUpdate;
      const card = { brand: brandName(content.brand), last4: content.last4 };
      return {
        subject: w.subject[content.reason],
        paragraphs: [
          content.reason === 'expiring' ? w.expiring(card, write.month(content.expMonth, content.expYear)) : w.detached(card),
          content.nextChargeAt
            ? w.updateBefore(date(content.nextChargeAt), money(content.amountCents, content.currency), content.planName, interval(content.interval))
            : w.update(content.planName),
          ...(links.paymentMethod ? [w.updateHere(links.paymentMethod)] : []),
        ],
      };
    }
    case 'final_notice': {
      const w = words.finalNotice;
      return {
        subject: w.subject(content.invoiceNumber),
        paragraphs: [
          w.notCollected(money(content.amountCents, content.currency), content.invoiceNumber),
          w.finalAttempt(dateTime(content.finalAttemptAt), content.consequence),
          ...(links.paymentMethod ? [w.updateHere(links.paymentMethod)] : []),
        ],
      };
    }
    case 'trial_ending': {
      const w = words.trialEnding;
      return {
        subject: w.subject,
        paragraphs: [w.endsOn(content.planName, date(content.trialEnd)), w.charge(money(content.amountCents, content.currency))],
      };
    }
    case 'plan_changed': {
      const w = words.planChanged;
      return {
        subject: content.repriced ? w.repricedSubject(content.toPlan) : w.subject(content.toPlan),
        paragraphs: [
          content.repriced ? w.repriced(content.toPlan, date(content.effectiveAt)) : w.changed(content.fromPlan, content.toPlan, date(content.effectiveAt)),
          w.price(money(content.amountCents, content.currency), interval(content.interval)),
          ...(content.invoiceNumber ? [w.prorated(content.invoiceNumber)] : []),
        ],
      };
    }
    case 'canceled': {
      const w = words.canceled;
      return {
        subject: w.subject,
        paragraphs: [
          {
            requested: () => w.requested(date(content.endedAt)),
            non_payment: () => w.nonPayment(date(content.endedAt)),
            payment_not_completed: () => w.paymentNotCompleted,
          }[content.reason](),
          ...(content.refundCents > 0 ? [w.refunded(money(content.refundCents, content.currency))] : []),
          w.subscribeAgain,
        ],
      };
    }
    case 'credit_refunded': {
      const w = words.creditRefunded;
      return { subject: w.subject, paragraphs: [w.refunded(money(content.amountCents, content.currency))] };
    }
    case 'unpaid': {
      const w = words.unpaid;
      return { subject: w.subject, paragraphs: [w.suspended(money(content.amountCents, content.currency), content.invoiceNumber), w.reactivate] };
    }
    case 'paused': {
      const w = words.paused;
      return {
        subject: w.subject,
        paragraphs: [
          content.resumesAt ? w.until(date(content.resumesAt)) : w.untilResumed,
          ...(content.creditCents > 0 ? [w.credit(money(content.creditCents, content.currency))] : []),
        ],
      };
    }
    case 'resumed':
      return { subject: words.resumed.subject, paragraphs: [words.resumed.resumed(date(content.nextBillingAt))] };
    case 'offer': {
      const w = words.offer;
      const percent = content.percentOff > 0 ? write.percent(content.percentOff) : null;
      return {
        subject: w.subject(content.toPlan, percent),
        paragraphs: [
          w.price(
            content.fromPlan,
            content.toPlan,
            money(content.toPlanAmountCents, content.currency),
            interval(content.interval),
            percent ? { percent, periods: content.discountPeriods } : null,
          ),
          w.acceptHere(links.offer ?? words.linkUnavailable),
          w.openUntil(date(content.expiresAt)),
        ],
      };
    }
    case 'portal_sign_in': {
      const w = words.portalSignIn;
      return {
        subject: w.subject(content.portalName),
        paragraphs: [w.asked(content.portalName), w.signInHere(links.signIn ?? words.linkUnavailable), w.validOnce(content.validMinutes)],
      };
    }
    case 'quote': {
      const w = words.quote;
      return {
        subject: w.subject(content.planName),
        paragraphs: [
          w.offered(content.planName, money(content.firstInvoiceCents, content.currency)),
          w.reviewHere(links.quote ?? words.linkUnavailable),
          w.openUntil(date(content.expiresAt)),
        ],
      };
    }
  }
}

/** Characters written right to left, and the marks and controls that set a direction. */
const DIRECTIONAL = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]|[\u{10800}-\u{10FFF}\u{1E800}-\u{1EFFF}]/u;

/**
 * `name` for the plain-text greeting: one that could reorder the line around it (a right-to-left
 * name, or one carrying a direction override) goes between FSI and PDI, plain text's <bdi>. Others
 * are left as they are, so ordinary greetings carry no invisible characters.
 */
function isolatedInText(name: string): string {
  return DIRECTIONAL.test(name) ? `\u2068${name}\u2069` : name;
}

/** Escaped text with its web addresses as links: in HTML mail, a link to click, not to copy. */
function htmlParagraph(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}

/**
 * The email for `intent`, in its reader's language (see emailLanguage), with dates in the
 * subscription's time zone (UTC when the intent has none).
 */
export function renderEmail(intent: EmailIntent, facts: EmailFacts = {}): RenderedEmail {
  const { content } = intent;
  const language = emailLanguage(content, facts.language);
  const write = writer(language, intent.timeZone ?? 'UTC');
  const { subject, paragraphs, table } = body(write, content, facts);
  const addressee = intent.customerName ?? intent.to;
  const greeting = `${write.words.greeting} ${isolatedInText(addressee)},`;
  const footer = intent.subscriptionId ? write.words.subscriptionFooter(intent.subscriptionId) : content.template === 'portal_sign_in' ? content.portalName : '';

  const textTable = table ? table.map(([label, value]) => `  ${label.padEnd(60)} ${value}`).join('\n') : '';
  const text = [greeting, ...paragraphs, ...(textTable ? [textTable] : []), `-- \n${footer}`].join('\n\n') + '\n';

  const htmlTable = table
    ? `<table cellpadding="4">${table
        .map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td align="right">${escapeHtml(value)}</td></tr>`)
        .join('')}</table>`
    : '';
  const html = [
    `<!doctype html><html lang="${language}"><body style="font-family: sans-serif">`,
    // <bdi>: a name written right to left (Arabic, Hebrew), or one carrying a direction override,
    // cannot reorder the greeting's comma or the rest of the line around it.
    `<p>${escapeHtml(write.words.greeting)} <bdi>${escapeHtml(addressee)}</bdi>,</p>`,
    ...paragraphs.map((p) => `<p>${htmlParagraph(p)}</p>`),
    htmlTable,
    `<p style="color:#777">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
