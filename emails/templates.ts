// Every customer email, text and HTML, in one place. Rendering is pure: the same intent always
// gives the same message.
import type { EmailContent, EmailIntent } from '../domain/effects';
import { formatMoney } from '../domain/money';
import { escapeHtml } from '../infra/html';

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

const date = (iso: string) => new Date(iso).toUTCString().replace(/ \d\d:\d\d:\d\d GMT$/, '');
/** e.g. "Wed, 09 Dec 2026 10:17 UTC" */
const dateTime = (iso: string) => new Date(iso).toUTCString().replace(/:\d\d GMT$/, ' UTC');
const money = (amountCents: number, currency: string) => formatMoney({ amountCents, currency });

/** Links rendered into emails, computed by the sender (they carry signed tokens). */
export interface EmailLinks {
  offer?: string;
  /** Where the customer gives a new payment method, when the business has such a page. */
  paymentMethod?: string;
  signIn?: string;
}

const cardName = (brand: string | null, last4: string | null) =>
  last4 ? `your ${brand ? brand.charAt(0).toUpperCase() + brand.slice(1) : 'card'} ending in ${last4}` : 'your payment method';

const monthName = (month: number | null, year: number | null) =>
  month && year ? new Date(Date.UTC(year, month - 1, 1)).toLocaleString('en', { month: 'long', year: 'numeric', timeZone: 'UTC' }) : 'this month';

const percent = (basisPoints: number) => `${(basisPoints / 100).toLocaleString('en', { maximumFractionDigits: 2 })} %`;

/** The VAT rows of a receipt: the total without VAT, then VAT per rate. */
function vatRows(invoice: InvoiceForEmail | null, currency: string): Array<[string, string]> {
  if (!invoice) return [];
  return [
    ['Total excluding VAT', money(invoice.netCents, currency)],
    ...invoice.vatSummary.map((row): [string, string] => [`VAT ${percent(row.rateBasisPoints)} of ${money(row.netCents, currency)}`, money(row.taxCents, currency)]),
  ];
}

function body(content: EmailContent, lines: InvoiceLineForEmail[], links: EmailLinks, invoice: InvoiceForEmail | null): Body {
  // The workflow knows its invoices by their reference; customers by their legal number.
  if ('invoiceNumber' in content && content.invoiceNumber !== null && invoice) content = { ...content, invoiceNumber: invoice.number };
  switch (content.template) {
    case 'welcome':
      return {
        subject: `Welcome to ${content.planName}`,
        paragraphs: [
          `Your ${content.planName} subscription is set up: ${money(content.amountCents, content.currency)} per ${content.interval}.`,
          content.trialEnd
            ? `Your free trial runs until ${date(content.trialEnd)}; you will not be charged before then.`
            : 'Your first payment went through. Thank you!',
        ],
      };
    case 'receipt':
      return {
        subject: `Receipt for invoice ${content.invoiceNumber}`,
        paragraphs: [`We received your payment of ${money(content.amountCents, content.currency)} on ${date(content.paidAt)}.`],
        table: [
          ...lines.map((line): [string, string] => [line.description, money(line.amountCents, content.currency)]),
          ...vatRows(invoice, content.currency),
          ['Total paid', money(content.amountCents, content.currency)],
        ],
      };
    case 'payment_failed':
      return {
        subject: `Payment failed for invoice ${content.invoiceNumber}`,
        paragraphs: [
          `We could not charge ${money(content.amountCents, content.currency)} for invoice ${content.invoiceNumber} (attempt ${content.attempt}): ${content.declineMessage}`,
          content.nextRetryAt
            ? `We will try again on ${dateTime(content.nextRetryAt)}. To avoid another failure, update your payment method before then.`
            : 'Please update your payment method; we will charge it as soon as you do.',
          ...(content.deadline && content.consequence
            ? [
                `If the invoice is still unpaid on ${dateTime(content.deadline)}, ${
                  {
                    cancel: 'your subscription will be canceled.',
                    unpaid: 'your subscription will be suspended.',
                    expire: 'your subscription will not start.',
                  }[content.consequence]
                }`,
              ]
            : []),
          ...(links.paymentMethod ? [`Update your payment method here: ${links.paymentMethod}`] : []),
        ],
      };
    case 'dispute_opened':
      return {
        subject: `Chargeback on invoice ${content.invoiceNumber}: ${money(content.amountCents, content.currency)}`,
        paragraphs: [
          `${content.customerEmail} disputed the payment of invoice ${content.invoiceNumber} with their bank (reason: ${content.reason.replace(/_/g, ' ')}).`,
          `Dispute ${content.disputeId} is for ${money(content.amountCents, content.currency)}. Answer it with evidence in the payment provider's dashboard before its deadline, or accept it.`,
        ],
      };
    case 'payment_action_required':
      return {
        subject: `Please confirm your payment for invoice ${content.invoiceNumber}`,
        paragraphs: [
          `Your bank asks you to confirm the payment of ${money(content.amountCents, content.currency)} for invoice ${content.invoiceNumber}.`,
          content.actionUrl
            ? `Confirm it here: ${content.actionUrl}`
            : 'Your bank will ask you to confirm it in its app, or you can pay with another payment method.',
          `If it is not confirmed by ${dateTime(content.expiresAt)}, the payment is canceled and we will try again as for a failed payment.`,
        ],
      };
    case 'payment_method_update':
      return {
        subject: content.reason === 'expiring' ? 'Your card is about to expire' : 'Your payment method was removed',
        paragraphs: [
          content.reason === 'expiring'
            ? `${cardName(content.brand, content.last4).replace(/^y/, 'Y')} expires at the end of ${monthName(content.expMonth, content.expYear)}.`
            : `${cardName(content.brand, content.last4).replace(/^y/, 'Y')} can no longer be charged: it was removed.`,
          content.nextChargeAt
            ? `Please update your payment method before ${date(content.nextChargeAt)}, when ${money(content.amountCents, content.currency)} for ${content.planName} (per ${content.interval}) is due, so your subscription continues without interruption.`
            : `Please update your payment method so your ${content.planName} subscription continues without interruption.`,
          ...(links.paymentMethod ? [`Update it here: ${links.paymentMethod}`] : []),
        ],
      };
    case 'final_notice':
      return {
        subject: `Final notice: invoice ${content.invoiceNumber} is unpaid`,
        paragraphs: [
          `We have not been able to collect ${money(content.amountCents, content.currency)} for invoice ${content.invoiceNumber}.`,
          `We will make a final attempt on ${dateTime(content.finalAttemptAt)}. If it fails, your subscription will be ${
            content.consequence === 'cancel' ? 'canceled' : 'suspended until you update your payment method'
          }.`,
          ...(links.paymentMethod ? [`Update your payment method here: ${links.paymentMethod}`] : []),
        ],
      };
    case 'trial_ending':
      return {
        subject: 'Your trial ends soon',
        paragraphs: [
          `Your free trial of ${content.planName} ends on ${date(content.trialEnd)}.`,
          `Your payment method will then be charged ${money(content.amountCents, content.currency)}. Nothing to do if you want to continue.`,
        ],
      };
    case 'plan_changed':
      return {
        subject: `Your plan is now ${content.toPlan}`,
        paragraphs: [
          `Your subscription changed from ${content.fromPlan} to ${content.toPlan} on ${date(content.effectiveAt)}.`,
          `The new price is ${money(content.amountCents, content.currency)} per ${content.interval}.`,
          ...(content.invoiceNumber ? [`The prorated difference was billed on invoice ${content.invoiceNumber}.`] : []),
        ],
      };
    case 'canceled':
      return {
        subject: 'Your subscription has ended',
        paragraphs: [
          {
            requested: `Your subscription was canceled as requested and ended on ${date(content.endedAt)}.`,
            non_payment: `Your subscription was canceled on ${date(content.endedAt)} because we could not collect payment.`,
            payment_not_completed: `Your subscription was not started because the first payment was not completed.`,
          }[content.reason],
          ...(content.refundCents > 0 ? [`We refunded ${money(content.refundCents, content.currency)} for the unused time.`] : []),
          'You can subscribe again at any time.',
        ],
      };
    case 'unpaid':
      return {
        subject: 'Your subscription is suspended',
        paragraphs: [
          `We could not collect ${money(content.amountCents, content.currency)} for invoice ${content.invoiceNumber}, so your subscription is suspended.`,
          'Add a new payment method to reactivate it.',
        ],
      };
    case 'paused':
      return {
        subject: 'Your subscription is paused',
        paragraphs: [
          content.resumesAt ? `Your subscription is paused until ${date(content.resumesAt)}.` : 'Your subscription is paused until you resume it.',
          ...(content.creditCents > 0
            ? [`The unused part of your current period, ${money(content.creditCents, content.currency)}, is credited to your next invoice.`]
            : []),
        ],
      };
    case 'resumed':
      return {
        subject: 'Your subscription is active again',
        paragraphs: [`Welcome back! Your subscription has resumed; the current period runs until ${date(content.nextBillingAt)}.`],
      };
    case 'offer':
      return {
        subject:
          content.percentOff > 0
            ? `An offer for you: ${content.toPlan} at ${content.percentOff}% off`
            : `An offer for you: switch to ${content.toPlan}`,
        paragraphs: [
          `You are on ${content.fromPlan}. ${content.toPlan} costs ${money(content.toPlanAmountCents, content.currency)} per ${content.interval}` +
            (content.percentOff > 0
              ? `, and for you ${content.percentOff}% less for your next ${content.discountPeriods} billing period${content.discountPeriods === 1 ? '' : 's'}.`
              : '.'),
          `Accept it here: ${links.offer ?? '(link unavailable)'}`,
          `The offer is open until ${date(content.expiresAt)}.`,
        ],
      };
    case 'portal_sign_in':
      return signInBody(content, links.signIn ?? '(link unavailable)');
  }
}

function signInBody({ language, portalName, validMinutes }: Extract<EmailContent, { template: 'portal_sign_in' }>, link: string): Body {
  return language === 'nb'
    ? {
        subject: `Logg inn på ${portalName}`,
        paragraphs: [
          `Noen, forhåpentligvis du, ba om å logge inn på ${portalName} med denne e-postadressen.`,
          `Logg inn her: ${link}`,
          `Lenken kan brukes én gang, innen ${validMinutes} minutter. Ba du ikke om den, kan du se bort fra denne e-posten: ingen kan logge inn uten lenken.`,
        ],
      }
    : {
        subject: `Sign in to ${portalName}`,
        paragraphs: [
          `Someone, hopefully you, asked to sign in to ${portalName} with this email address.`,
          `Sign in here: ${link}`,
          `The link works once, within ${validMinutes} minutes. If you did not ask for it, ignore this email: nobody can sign in without the link.`,
        ],
      };
}

/** Escaped text with its web addresses as links: in HTML mail, a link to click, not to copy. */
function htmlParagraph(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}

export function renderEmail(intent: EmailIntent, lines: InvoiceLineForEmail[] = [], links: EmailLinks = {}, invoice: InvoiceForEmail | null = null): RenderedEmail {
  const { content } = intent;
  const { subject, paragraphs, table } = body(content, lines, links, invoice);
  const norwegian = content.template === 'portal_sign_in' && content.language === 'nb';
  const greeting = `${norwegian ? 'Hei' : 'Hello'} ${intent.customerName ?? intent.to},`;
  const footer = intent.subscriptionId ? `Subscription ${intent.subscriptionId}` : content.template === 'portal_sign_in' ? content.portalName : '';

  const textTable = table ? table.map(([label, value]) => `  ${label.padEnd(60)} ${value}`).join('\n') : '';
  const text = [greeting, ...paragraphs, ...(textTable ? [textTable] : []), `-- \n${footer}`].join('\n\n') + '\n';

  const htmlTable = table
    ? `<table cellpadding="4">${table
        .map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td align="right">${escapeHtml(value)}</td></tr>`)
        .join('')}</table>`
    : '';
  const html = [
    `<!doctype html><html${content.template === 'portal_sign_in' ? ` lang="${content.language}"` : ''}><body style="font-family: sans-serif">`,
    `<p>${escapeHtml(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${htmlParagraph(p)}</p>`),
    htmlTable,
    `<p style="color:#777">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
