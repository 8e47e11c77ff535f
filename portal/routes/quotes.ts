// A quote's page, from the link in its email: the first invoice's lines, the price per period and
// the expiry, with an Accept button. GET changes nothing (a mail scanner fetching the link accepts
// nothing); the button POSTs the link's token back with a CSRF token bound to this quote. The
// token authorizes the page without a session: the quote's customer may not have an account yet.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { setAuditActor } from '../../api/audit';
import { acceptQuote, quoteByToken, quoteForPage } from '../../api/services/quotes';
import { paymentMethodToken } from '../../api/schemas/subscriptions';
import type { Quote } from '../../prisma/generated/client';
import { portalOf, type PortalSetup } from '../context';
import { linkInvalid } from '../errors';
import { checkedForm } from '../forms';
import type { Language, MessageKey } from '../i18n';
import { renderPage } from '../render';

const purposeOf = (quote: Quote) => `quote|${quote.id}`;
const pagePath = (token: string) => `/portal/quotes/${encodeURIComponent(token)}`;

export function quotesRouter(setup: PortalSetup): Router {
  const { deps } = setup;
  const router = Router();

  async function linkedQuote(req: Request): Promise<Quote> {
    const token = typeof req.params.token === 'string' ? req.params.token : '';
    const quote = await quoteByToken(deps, token);
    if (!quote) throw linkInvalid();
    return quote;
  }

  /** `problem`: what is wrong with the form, said in the language the page speaks (chosen here). */
  async function renderQuote(req: Request, res: Response, quote: Quote, problem: MessageKey | null = null): Promise<void> {
    const context = portalOf(res);
    const { quote: view, customer, planName, subscriptionStatus } = await quoteForPage(deps, quote);
    if (customer) context.speakTo(customer);
    else context.speakIn(quote.language as Language);
    const { t, fmt } = context;
    const day = (iso: string | null) => fmt.date(iso ?? view.expiresAt);
    const money = (cents: number) => fmt.money(cents, view.currency);
    const pricing = view.pricing ?? null;
    const outcome = {
      draft: null,
      sent: t('quote.openUntil', { date: day(view.expiresAt) }),
      accepted: t(subscriptionStatus === 'incomplete' ? 'quote.acceptedUnpaid' : 'quote.accepted', { date: day(view.acceptedAt), id: view.subscriptionId ?? '' }),
      expired: t('quote.expired', { date: day(view.expiresAt) }),
      canceled: t('quote.canceled', { date: day(view.canceledAt) }),
    }[view.status];
    const discount = pricing?.discount
      ? pricing.discount.periods === null
        ? t('quote.discountForever', { name: pricing.discount.name })
        : t.plural('quote.discount', pricing.discount.periods, { name: pricing.discount.name })
      : null;
    renderPage(
      res,
      'quote',
      {
        title: t('quote.title', { plan: planName }),
        open: view.status === 'sent' && pricing !== null,
        outcome,
        unpriced: (view.status === 'sent' || view.status === 'draft') && pricing === null,
        lines: pricing?.firstInvoice.lines.map((line) => ({ description: line.description, amount: money(line.amountCents) })) ?? [],
        net: pricing ? money(pricing.firstInvoice.netCents) : null,
        vat: pricing ? money(pricing.firstInvoice.taxCents) : null,
        total: pricing ? money(pricing.firstInvoice.totalCents) : null,
        when: pricing?.trialEnd ? t('quote.trial', { date: day(pricing.trialEnd) }) : t('quote.chargedNow'),
        recurring: pricing
          ? t('quote.recurring', { price: money(pricing.recurring.totalCents), interval: t.plural(`interval.${pricing.recurring.interval.unit}`, pricing.recurring.interval.count) })
          : null,
        discount,
        askPaymentMethod: quote.paymentMethod === null,
        action: `${pagePath(req.params.token as string)}/accept`,
        purpose: purposeOf(quote),
        token: req.params.token,
        problem: problem ? t(problem) : null,
        signIn: view.subscriptionId ? `/portal/sign-in?next=${encodeURIComponent(`/portal/subscriptions/${view.subscriptionId}`)}` : null,
      },
      problem ? 400 : 200,
    );
  }

  router.get('/quotes/:token', async (req, res) => {
    await renderQuote(req, res, await linkedQuote(req));
  });

  router.post('/quotes/:token/accept', async (req, res) => {
    const quote = await linkedQuote(req);
    const form = checkedForm(req, res, purposeOf(quote));
    setAuditActor(res, { type: 'customer' });
    const given = quote.paymentMethod === null ? paymentMethodToken.safeParse(typeof form.paymentMethod === 'string' ? form.paymentMethod.trim() : '') : null;
    if (given && !given.success) return renderQuote(req, res, quote, 'quote.paymentMethodInvalid');
    // An expired, canceled or accepted quote is answered with its page, which says so: a second click changes nothing.
    if (quote.status === 'sent' && quote.expiresAt > (await deps.clock())) {
      await acceptQuote(deps, quote.id, given?.success ? { paymentMethod: given.data } : {});
    }
    res.redirect(303, pagePath(req.params.token as string));
  });

  return router;
}
