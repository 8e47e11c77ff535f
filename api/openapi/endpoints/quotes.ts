// Quotes (api/routes/quotes.ts): drafts, sending with a link, acceptance into a subscription.
import { acceptQuoteBody, createQuoteBody, listQuotesQuery, quoteParams, updateQuoteBody } from '../../schemas/quotes';
import { acceptedQuote, quotePage, quoteView, sentQuote } from '../../schemas/responses/quotes';
import type { Endpoint } from '../endpoint';
import { ok } from './answers';

const QUOTE_ID = { id: 'quo_4f1c2a9e0b7d3c5a8e6f' };
const NO_QUOTE = 'No quote has this id';
const NOT_SOLD = 'The plan, an add-on or the coupon cannot be sold as asked (unknown, archived, another currency, not for this plan): `errors` names the field';

export const quoteEndpoints: Endpoint[] = [
  {
    method: 'post',
    path: '/quotes',
    operationId: 'createQuote',
    tag: 'quotes',
    summary: 'Create a quote (draft)',
    description:
      'A plan with package items (add-ons with a quantity, custom lines at a negotiated price, a coupon) for an existing or a new customer. ' +
      '`pricing` shows the first invoice (lines, discount, VAT, total) and the price per period, computed as the subscription will compute them.',
    body: createQuoteBody,
    example: {
      customer: { email: 'ada@example.com', name: 'Ada Lovelace' },
      plan: 'pro-monthly',
      addOns: [{ code: 'extra-seat', quantity: 5 }],
      customLines: [{ description: 'Onboarding support', unitAmountCents: 20000, quantity: 1 }],
      coupon: 'WELCOME20',
      expiresAt: '2031-01-31T00:00:00Z',
    },
    fields: {
      customer: 'An existing customer (`id`), or the `email` and `name` of a new one',
      paymentMethod: 'Optional: without it, the customer gives one when accepting',
      expiresAt: 'Until when the quote may be accepted; in the future',
      language: "The email's and the page's language when the customer's billing profile names none (en, nb)",
    },
    answers: [{ status: 201, description: 'The draft, priced; `Location` names it', schema: quoteView, headers: ['Location'] }],
    errors: { 400: `The body is not valid, expiresAt is past, the customer id is unknown, or ${NOT_SOLD.charAt(0).toLowerCase()}${NOT_SOLD.slice(1)}` },
  },
  {
    method: 'get',
    path: '/quotes',
    operationId: 'listQuotes',
    tag: 'quotes',
    summary: 'List quotes',
    description: 'Newest first, without pricing. `status=expired` finds sent quotes past their expiry.',
    query: listQuotesQuery,
    queryExample: { status: 'sent', limit: 20 },
    fields: { customer: "A customer's id or email", cursor: '`nextCursor` of the previous page', limit: '1-100, default 20' },
    answers: [ok(quotePage, 'A page of quotes')],
  },
  {
    method: 'get',
    path: '/quotes/:id',
    operationId: 'getQuote',
    tag: 'quotes',
    summary: 'Get a quote',
    params: quoteParams,
    paramExamples: QUOTE_ID,
    answers: [ok(quoteView, 'The quote, priced while it is open')],
    errors: { 404: NO_QUOTE },
  },
  {
    method: 'patch',
    path: '/quotes/:id',
    operationId: 'updateQuote',
    tag: 'quotes',
    summary: 'Change a draft',
    description: 'Replaces the fields given; items given replace the draft\'s. Only a draft changes: send a new quote instead of changing a sent one.',
    params: quoteParams,
    paramExamples: QUOTE_ID,
    body: updateQuoteBody,
    example: { addOns: [{ code: 'extra-seat', quantity: 8 }] },
    answers: [ok(quoteView, 'The draft, priced')],
    errors: { 400: `The body is not valid, or ${NOT_SOLD.charAt(0).toLowerCase()}${NOT_SOLD.slice(1)}`, 404: NO_QUOTE, 409: 'The quote is no longer a draft' },
  },
  {
    method: 'post',
    path: '/quotes/:id/send',
    operationId: 'sendQuote',
    tag: 'quotes',
    summary: 'Send a quote',
    description:
      "Emails the customer the quote's link (in their language): a page in the customer portal with the quote's lines and an Accept button. " +
      'Answers with the link. Sending a sent quote again answers the same link and emails nothing.',
    params: quoteParams,
    paramExamples: QUOTE_ID,
    answers: [ok(sentQuote, 'The sent quote and its link')],
    errors: { 400: NOT_SOLD, 404: NO_QUOTE, 409: 'The quote is accepted, canceled or expired (`/problems/quote-expired`: PATCH a later expiresAt into a draft)' },
  },
  {
    method: 'post',
    path: '/quotes/:id/accept',
    operationId: 'acceptQuote',
    tag: 'quotes',
    summary: "Accept a quote on the customer's behalf",
    description:
      "Creates the subscription (id `sub_<quote id>`) with the quote's plan and items, and charges its first invoice, as POST /subscriptions does. " +
      'Accepting again answers the same subscription (200). A declined first charge leaves the subscription `incomplete` (waiting for a working card), and the quote accepted with it.',
    params: quoteParams,
    paramExamples: QUOTE_ID,
    body: acceptQuoteBody,
    optionalBody: true,
    example: { paymentMethod: 'pm_card_visa' },
    fields: { paymentMethod: 'Required when the quote has none' },
    answers: [
      { status: 201, description: 'Accepted: the subscription was created; `Location` names it', schema: acceptedQuote, headers: ['Location'] },
      { status: 200, description: 'Accepted before: the same subscription', schema: acceptedQuote, headers: ['Location'] },
    ],
    errors: { 400: `No payment method was given for a quote without one, or ${NOT_SOLD.charAt(0).toLowerCase()}${NOT_SOLD.slice(1)}`, 404: NO_QUOTE, 409: 'The quote is canceled, or expired (`/problems/quote-expired`)' },
  },
  {
    method: 'post',
    path: '/quotes/:id/cancel',
    operationId: 'cancelQuote',
    tag: 'quotes',
    summary: 'Cancel a quote',
    description: 'Its link then shows that it is canceled. Canceling again answers the same.',
    params: quoteParams,
    paramExamples: QUOTE_ID,
    answers: [ok(quoteView, 'The canceled quote')],
    errors: { 404: NO_QUOTE, 409: 'The quote is accepted: cancel its subscription instead' },
  },
];
