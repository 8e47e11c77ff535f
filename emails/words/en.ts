// The customer emails' sentences in English.
import type { CardName, EmailWords } from './index';

const card = ({ brand, last4 }: CardName) => (last4 ? `your ${brand ?? 'card'} ending in ${last4}` : 'your payment method');
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export const en: EmailWords = {
  greeting: 'Hello',
  subscriptionFooter: (id) => `Subscription ${id}`,
  linkUnavailable: '(link unavailable)',
  interval: (unit, count) => (count === 1 ? `per ${unit}` : `every ${count} ${unit}s`),
  welcome: {
    subject: (plan) => `Welcome to ${plan}`,
    setUp: (plan, price, interval) => `Your ${plan} subscription is set up: ${price} ${interval}.`,
    trialUntil: (date) => `Your free trial runs until ${date}; you will not be charged before then.`,
    paid: 'Your first payment went through. Thank you!',
  },
  receipt: {
    subject: (invoice) => `Receipt for invoice ${invoice}`,
    received: (amount, date) => `We received your payment of ${amount} on ${date}.`,
    totalExcludingVat: 'Total excluding VAT',
    vatOf: (percent, base) => `VAT ${percent} of ${base}`,
    totalPaid: 'Total paid',
  },
  paymentFailed: {
    subject: (invoice) => `Payment failed for invoice ${invoice}`,
    declined: (amount, invoice, attempt, reason) => `We could not charge ${amount} for invoice ${invoice} (attempt ${attempt}): ${reason}`,
    retryOn: (dateTime) => `We will try again on ${dateTime}. To avoid another failure, update your payment method before then.`,
    noRetry: 'Please update your payment method; we will charge it as soon as you do.',
    deadline: (dateTime, consequence) =>
      `If the invoice is still unpaid on ${dateTime}, ${
        {
          cancel: 'your subscription will be canceled.',
          unpaid: 'your subscription will be suspended.',
          expire: 'your subscription will not start.',
        }[consequence]
      }`,
    updateHere: (link) => `Update your payment method here: ${link}`,
  },
  paymentActionRequired: {
    subject: (invoice) => `Please confirm your payment for invoice ${invoice}`,
    confirm: (amount, invoice) => `Your bank asks you to confirm the payment of ${amount} for invoice ${invoice}.`,
    confirmHere: (link) => `Confirm it here: ${link}`,
    confirmInBankApp: 'Your bank will ask you to confirm it in its app, or you can pay with another payment method.',
    expires: (dateTime) => `If it is not confirmed by ${dateTime}, the payment is canceled and we will try again as for a failed payment.`,
  },
  paymentMethodUpdate: {
    subject: { expiring: 'Your card is about to expire', detached: 'Your payment method was removed' },
    expiring: (name, month) => `${capitalized(card(name))} expires at the end of ${month ?? 'this month'}.`,
    detached: (name) => `${capitalized(card(name))} can no longer be charged: it was removed.`,
    updateBefore: (date, amount, plan, interval) =>
      `Please update your payment method before ${date}, when ${amount} for ${plan} (${interval}) is due, so your subscription continues without interruption.`,
    update: (plan) => `Please update your payment method so your ${plan} subscription continues without interruption.`,
    updateHere: (link) => `Update it here: ${link}`,
  },
  finalNotice: {
    subject: (invoice) => `Final notice: invoice ${invoice} is unpaid`,
    notCollected: (amount, invoice) => `We have not been able to collect ${amount} for invoice ${invoice}.`,
    finalAttempt: (dateTime, consequence) =>
      `We will make a final attempt on ${dateTime}. If it fails, your subscription will be ${
        consequence === 'cancel' ? 'canceled' : 'suspended until you update your payment method'
      }.`,
    updateHere: (link) => `Update your payment method here: ${link}`,
  },
  trialEnding: {
    subject: 'Your trial ends soon',
    endsOn: (plan, date) => `Your free trial of ${plan} ends on ${date}.`,
    charge: (amount) => `Your payment method will then be charged ${amount}. Nothing to do if you want to continue.`,
  },
  planChanged: {
    subject: (plan) => `Your plan is now ${plan}`,
    changed: (from, to, date) => `Your subscription changed from ${from} to ${to} on ${date}.`,
    repricedSubject: (plan) => `The price of ${plan} has changed`,
    repriced: (plan, date) => `The price of your ${plan} subscription changed on ${date}.`,
    price: (amount, interval) => `The new price is ${amount} ${interval}.`,
    prorated: (invoice) => `The prorated difference was billed on invoice ${invoice}.`,
  },
  canceled: {
    subject: 'Your subscription has ended',
    requested: (date) => `Your subscription was canceled as requested and ended on ${date}.`,
    nonPayment: (date) => `Your subscription was canceled on ${date} because we could not collect payment.`,
    paymentNotCompleted: 'Your subscription was not started because the first payment was not completed.',
    refunded: (amount) => `We refunded ${amount} for the unused time.`,
    subscribeAgain: 'You can subscribe again at any time.',
  },
  creditRefunded: {
    subject: 'Your account credit was refunded',
    refunded: (amount) => `We refunded ${amount} to your card: the account credit left on your subscription when it ended.`,
  },
  unpaid: {
    subject: 'Your subscription is suspended',
    suspended: (amount, invoice) => `We could not collect ${amount} for invoice ${invoice}, so your subscription is suspended.`,
    reactivate: 'Add a new payment method to reactivate it.',
  },
  paused: {
    subject: 'Your subscription is paused',
    until: (date) => `Your subscription is paused until ${date}.`,
    untilResumed: 'Your subscription is paused until you resume it.',
    credit: (amount) => `The unused part of your current period, ${amount}, is credited to your next invoice.`,
  },
  resumed: {
    subject: 'Your subscription is active again',
    resumed: (date) => `Welcome back! Your subscription has resumed; the current period runs until ${date}.`,
  },
  offer: {
    subject: (plan, percent) => (percent ? `An offer for you: ${plan} at ${percent} off` : `An offer for you: switch to ${plan}`),
    price: (from, to, price, interval, discount) =>
      `You are on ${from}. ${to} costs ${price} ${interval}` +
      (discount
        ? `, and for you ${discount.percent} less for your next ${discount.periods === 1 ? 'billing period' : `${discount.periods} billing periods`}.`
        : '.'),
    acceptHere: (link) => `Accept it here: ${link}`,
    openUntil: (date) => `The offer is open until ${date}.`,
  },
  portalSignIn: {
    subject: (portal) => `Sign in to ${portal}`,
    asked: (portal) => `Someone, hopefully you, asked to sign in to ${portal} with this email address.`,
    signInHere: (link) => `Sign in here: ${link}`,
    validOnce: (minutes) => `The link works once, within ${minutes} minutes. If you did not ask for it, ignore this email: nobody can sign in without the link.`,
  },
  quote: {
    subject: (plan) => `Your quote for ${plan}`,
    offered: (plan, firstInvoice) => `Here is the quote we prepared for you: ${plan}, with a first invoice of ${firstInvoice}.`,
    reviewHere: (link) => `See every line and accept it here: ${link}`,
    openUntil: (date) => `The quote is open until ${date}.`,
  },
};
