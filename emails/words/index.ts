// The sentences of the customer emails, one set per language (./en.ts, ./nb.ts, which the
// compiler holds to this shape). Values arrive written for the language already (dates, money,
// percentages, by domain/locale-format.ts); the sentences only place them. Which paragraphs an
// email has is decided in emails/templates.ts.
import type { IntervalUnit } from '../../domain/calendar';
import type { Language } from '../../domain/locale-format';
import { en } from './en';
import { nb } from './nb';

/** A payment card as a sentence names it; without its last digits, "your payment method". */
export interface CardName {
  /** Capitalized: "Visa". */
  brand: string | null;
  last4: string | null;
}

/** What happens when an overdue invoice stays unpaid: canceled, suspended (unpaid), or never started. */
export type Consequence = 'cancel' | 'unpaid' | 'expire';

export interface EmailWords {
  /** Before the customer's name: "Hello Ada,". */
  greeting: string;
  /** The footer of an email about one subscription. */
  subscriptionFooter(subscriptionId: string): string;
  /** Where a link should be but none could be made. */
  linkUnavailable: string;
  /** How often a price is charged: "per month", "every 3 months". */
  interval(unit: IntervalUnit, count: number): string;
  welcome: {
    subject(plan: string): string;
    setUp(plan: string, price: string, interval: string): string;
    trialUntil(date: string): string;
    paid: string;
  };
  receipt: {
    subject(invoice: string): string;
    received(amount: string, date: string): string;
    totalExcludingVat: string;
    /** A VAT row: "VAT 25% of NOK 80.00". */
    vatOf(percent: string, base: string): string;
    totalPaid: string;
  };
  paymentFailed: {
    subject(invoice: string): string;
    /** `reason` is the payment provider's decline message, as it gave it. */
    declined(amount: string, invoice: string, attempt: number, reason: string): string;
    retryOn(dateTime: string): string;
    noRetry: string;
    deadline(dateTime: string, consequence: Consequence): string;
    updateHere(link: string): string;
  };
  paymentActionRequired: {
    subject(invoice: string): string;
    confirm(amount: string, invoice: string): string;
    confirmHere(link: string): string;
    confirmInBankApp: string;
    expires(dateTime: string): string;
  };
  paymentMethodUpdate: {
    subject: Record<'expiring' | 'detached', string>;
    /** `month` is null when the card's expiry is unknown: "this month". */
    expiring(card: CardName, month: string | null): string;
    detached(card: CardName): string;
    updateBefore(date: string, amount: string, plan: string, interval: string): string;
    update(plan: string): string;
    updateHere(link: string): string;
  };
  finalNotice: {
    subject(invoice: string): string;
    notCollected(amount: string, invoice: string): string;
    finalAttempt(dateTime: string, consequence: Exclude<Consequence, 'expire'>): string;
    updateHere(link: string): string;
  };
  trialEnding: {
    subject: string;
    endsOn(plan: string, date: string): string;
    charge(amount: string): string;
  };
  planChanged: {
    subject(plan: string): string;
    changed(from: string, to: string, date: string): string;
    /** The same plan at a new price (a price migration). */
    repricedSubject(plan: string): string;
    repriced(plan: string, date: string): string;
    price(amount: string, interval: string): string;
    prorated(invoice: string): string;
  };
  canceled: {
    subject: string;
    requested(date: string): string;
    nonPayment(date: string): string;
    paymentNotCompleted: string;
    refunded(amount: string): string;
    subscribeAgain: string;
  };
  creditRefunded: {
    subject: string;
    refunded(amount: string): string;
  };
  unpaid: {
    subject: string;
    suspended(amount: string, invoice: string): string;
    reactivate: string;
  };
  paused: {
    subject: string;
    until(date: string): string;
    untilResumed: string;
    credit(amount: string): string;
  };
  resumed: {
    subject: string;
    resumed(date: string): string;
  };
  offer: {
    /** `percent` is null for a plain switch, without a discount. */
    subject(plan: string, percent: string | null): string;
    price(from: string, to: string, price: string, interval: string, discount: { percent: string; periods: number } | null): string;
    acceptHere(link: string): string;
    openUntil(date: string): string;
  };
  portalSignIn: {
    subject(portal: string): string;
    asked(portal: string): string;
    signInHere(link: string): string;
    validOnce(minutes: number): string;
  };
  quote: {
    subject(plan: string): string;
    offered(plan: string, firstInvoice: string): string;
    reviewHere(link: string): string;
    openUntil(date: string): string;
  };
}

const WORDS: Record<Language, EmailWords> = { en, nb };

export function emailWords(language: Language): EmailWords {
  return WORDS[language];
}
