// An upsell offer's page: from the link in its email (GET, which changes nothing, so a mail
// scanner fetching it accepts nothing) or from the overview. Accept and Decline are buttons
// (POST). The link's signed token authorizes the page and its buttons without a session, and the
// POSTs carry it back with a CSRF token bound to this page; a signed-in customer reaches their own
// offers without a token. The decision goes to the subscription's workflow, which applies it once.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { setAuditActor } from '../../api/audit';
import { withSubscription } from '../../api/services/commands';
import { verifyOfferToken } from '../../infra/links';
import { acceptOffer, declineOffer } from '../../workflows/contract';
import { ownSubscription, requireCustomer } from '../access';
import { portalOf, type PortalSetup } from '../context';
import { linkInvalid, pageNotFound } from '../errors';
import { checkedForm } from '../forms';
import { renderPage } from '../render';

const offerParams = z.object({
  subscriptionId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  offerId: z.string().regex(/^OFR-[A-Za-z0-9_-]{1,64}-\d{4}$/),
});

type OfferParams = z.infer<typeof offerParams>;

const purposeOf = ({ subscriptionId, offerId }: OfferParams) => `offer|${subscriptionId}|${offerId}`;

function pagePath({ subscriptionId, offerId }: OfferParams, token: string | undefined): string {
  return `/portal/offers/${subscriptionId}/${offerId}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

function paramsOf(req: Request): OfferParams {
  const parsed = offerParams.safeParse(req.params);
  if (!parsed.success) throw pageNotFound();
  return parsed.data;
}

const tokenIn = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

export function offersRouter(setup: PortalSetup): Router {
  const { deps } = setup;
  const router = Router();

  /** The offer, if the link's token or the session allows it; another customer's is a 404. */
  async function allowedOffer(res: Response, params: OfferParams, token: string | undefined) {
    const context = portalOf(res);
    if (token !== undefined) {
      if (!verifyOfferToken(deps.links, token, params.subscriptionId, params.offerId, await deps.clock())) throw linkInvalid();
    } else {
      if (!context.session) throw pageNotFound();
      await ownSubscription(deps, context.session.customerId, params.subscriptionId);
    }
    const offer = await deps.prisma.offer.findFirst({ where: { id: params.offerId, subscriptionId: params.subscriptionId } });
    const subscription = await deps.prisma.subscription.findUnique({ where: { id: params.subscriptionId }, include: { customer: true } });
    if (!offer || !subscription) throw pageNotFound();
    context.speakTo(subscription.customer);
    return offer;
  }

  /** Without a token the page is a signed-in customer's: others sign in first. */
  const tokenOrCustomer = (req: Request, res: Response, next: () => void) =>
    tokenIn(req.query.token) !== undefined ? next() : requireCustomer()(req, res, next);

  router.get('/offers/:subscriptionId/:offerId', tokenOrCustomer, async (req, res) => {
    const params = paramsOf(req);
    const token = tokenIn(req.query.token);
    const offer = await allowedOffer(res, params, token);
    const { t, fmt } = portalOf(res);
    const plans = await deps.prisma.plan.findMany({ where: { code: { in: [offer.fromPlanCode, offer.toPlanCode] } } });
    const from = plans.find((plan) => plan.code === offer.fromPlanCode);
    const to = plans.find((plan) => plan.code === offer.toPlanCode);
    if (!to) throw pageNotFound();
    const day = (date: Date | null) => fmt.date((date ?? offer.expiresAt).toISOString());
    const outcome: Record<typeof offer.status, string> = {
      open: t('offer.openUntil', { date: day(offer.expiresAt) }),
      accepted: t('offer.accepted', { date: day(offer.respondedAt), plan: to.name }),
      declined: t('offer.declined', { date: day(offer.respondedAt) }),
      expired: t('offer.expired', { date: day(offer.expiresAt) }),
    };
    renderPage(res, 'offer', {
      title: t('offer.title'),
      currentPlan: from ? t('offer.current', { plan: from.name }) : null,
      price: t('offer.price', {
        plan: to.name,
        price: fmt.money(to.amountCents, to.currency),
        interval: t.plural(`interval.${to.intervalUnit}`, to.intervalCount),
      }),
      discount: offer.percentOff > 0 ? t.plural('offer.discount', offer.discountPeriods, { percent: fmt.percent(offer.percentOff) }) : null,
      outcome: outcome[offer.status],
      open: offer.status === 'open',
      action: pagePath(params, undefined),
      token: token ?? null,
      purpose: purposeOf(params),
    });
  });

  function decide(command: 'accept' | 'decline') {
    return async (req: Request, res: Response) => {
      const params = paramsOf(req);
      const form = checkedForm(req, res, purposeOf(params));
      const token = tokenIn(form.token);
      const offer = await allowedOffer(res, params, token);
      setAuditActor(res, { type: 'customer' });
      // A closed offer is answered with its page: a second click, or a resent form, changes nothing.
      if (offer.status === 'open') {
        const args: [{ offerId: string }] = [{ offerId: params.offerId }];
        await withSubscription<unknown>(deps, params.subscriptionId, (handle) =>
          command === 'accept' ? handle.executeUpdate(acceptOffer, { args }) : handle.executeUpdate(declineOffer, { args }),
        );
      }
      res.redirect(303, pagePath(params, token));
    };
  }

  router.post('/offers/:subscriptionId/:offerId/accept', decide('accept'));
  router.post('/offers/:subscriptionId/:offerId/decline', decide('decline'));

  return router;
}
