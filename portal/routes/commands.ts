// A signed-in customer manages their own subscription: change plan and add-on quantities (each
// after a preview of exactly what it costs), a coupon, the payment method, pause and resume,
// cancel at period end and uncancel. Every command is a workflow update, as in the API; a POST
// redirects back (POST/redirect/GET) with what happened named in the query, which the page says in
// the customer's language. A refusal (409) or a declined payment (402) is said on the page itself,
// never as an error page: the customer can try something else from there. A cancel whose reason a
// retention rule answers shows that offer first ("Before you go", portal/retention.ts): Accept and
// stay applies it, Cancel anyway cancels.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { setAuditActor } from '../../api/audit';
import { toProblem } from '../../api/errors';
import { withSubscription } from '../../api/services/commands';
import { CouponRefused, withRedemption } from '../../api/services/coupon-redemptions';
import { conflict } from '../../api/problem';
import { CANCEL_REASONS, retentionCoupon } from '../../domain/retention';
import { toAddOnDefinition, toCouponDefinition } from '../../infra/catalogue';
import { toPlanSnapshot } from '../../infra/plans';
import type { SetAddOnCommand } from '../../domain/commands';
import type { InvoiceLineDraft } from '../../domain/invoice';
import * as messages from '../../workflows/contract';
import type { SubscriptionView } from '../../workflows/contract';
import { ownSubscription, requireCustomer, sessionOf } from '../access';
import { portalOf, type PortalSetup } from '../context';
import { pageNotFound } from '../errors';
import { checkedForm } from '../forms';
import { chargeCustomerOf, hostedElementFor } from '../hosted-element';
import type { MessageKey } from '../i18n';
import { renderPage } from '../render';
import { askRetention, recordRetentionAnswer, renderBeforeYouGo } from '../retention';
import { describeAddOn } from '../../domain/add-ons';
import { customLinesOf } from '../../domain/custom-lines';

const subscriptionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const catalogueCode = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
/** A form field is text: an empty quantity is a mistake, not 0 (which removes the add-on). */
const addOnFields = z.object({ code: catalogueCode, quantity: z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().max(1000)) });
/** Stripe's SetupIntent ids: `seti_` and letters and digits. Anything else was never Stripe's. */
const setupIntentId = z.string().regex(/^seti_[A-Za-z0-9]{1,200}$/);

/** What a redirect may announce: only these, so a crafted link cannot put words on the page. */
const DONE = ['planChanged', 'planScheduled', 'addOnSet', 'couponApplied', 'paymentPaid', 'paymentFailing', 'paymentUpdated', 'paused', 'resumed', 'canceled', 'uncanceled', 'retained', 'retainedLower'] as const;
type Done = (typeof DONE)[number];

const purposeOf = (id: string) => `subscription|${id}`;
const pagePath = (id: string) => `/portal/subscriptions/${id}`;

interface Problem {
  status: number;
  message: string;
}

export function commandsRouter(setup: PortalSetup): Router {
  const { deps } = setup;
  const router = Router();

  function idOf(params: unknown): string {
    const parsed = subscriptionId.safeParse((params as { id?: unknown }).id);
    if (!parsed.success) throw pageNotFound();
    return parsed.data;
  }

  /** The customer's own live subscription, as its workflow sees it; anyone else's is a 404. */
  async function ownView(res: Response, id: string): Promise<SubscriptionView> {
    await ownSubscription(deps, sessionOf(res).customerId, id);
    return withSubscription(deps, id, (handle) => handle.query(messages.getSubscription), 'read');
  }

  async function renderManage(res: Response, view: SubscriptionView, notice: { done?: Done; reason?: string; problem?: Problem }) {
    const { t, fmt } = portalOf(res);
    const currency = view.plan.currency;
    const plans = await deps.prisma.plan.findMany({ where: { active: true, currency, code: { not: view.plan.code } }, orderBy: [{ tier: 'asc' }, { code: 'asc' }] });
    const addOns = (await deps.prisma.addOn.findMany({ where: { active: true, kind: 'recurring' }, orderBy: { code: 'asc' } }))
      .map(toAddOnDefinition)
      .filter((addOn) => addOn.prices[currency] !== undefined);
    const day = (iso: string) => fmt.date(iso, view.timeZone);
    const interval = (unit: string, count: number) => t.plural(`interval.${unit}`, count);
    const done = notice.done
      ? t(`manage.done.${notice.done}` as MessageKey, { date: day(view.currentPeriod.end), plan: view.scheduledChange?.plan.name ?? view.plan.name })
      : null;
    const reason = notice.done === 'canceled' && notice.reason ? t('manage.reasonShown', { reason: t(`manage.reason.${notice.reason}` as MessageKey) }) : null;
    const problem = notice.problem ? t(notice.problem.status === 402 ? 'manage.declined' : 'manage.refused', { reason: notice.problem.message }) : null;
    renderPage(
      res,
      'manage',
      {
        title: t('manage.title', { plan: view.plan.name }),
        action: pagePath(view.id),
        purpose: purposeOf(view.id),
        flash: [done, reason].filter((line): line is string => line !== null).join(' ') || null,
        problem,
        status: t(`status.${view.status}` as MessageKey),
        current: t('manage.current', { plan: view.plan.name, price: fmt.money(view.plan.amountCents, currency), interval: interval(view.plan.interval.unit, view.plan.interval.count) }),
        plans: plans.map((plan) => ({
          code: plan.code,
          label: `${plan.name}: ${fmt.money(plan.amountCents, plan.currency)} ${interval(plan.intervalUnit, plan.intervalCount)}`,
        })),
        addOns: addOns.map((addOn) => ({
          code: addOn.code,
          name: addOn.name,
          quantity: view.addOns.find((held) => held.code === addOn.code)?.quantity ?? 0,
          price: t('manage.addOnPrice', { price: fmt.money(addOn.prices[currency]!, currency) }),
        })),
        // Custom lines are agreed with the business, not bought here: shown, never changed in the portal.
        customLines: customLinesOf(view.addOns).map((line) =>
          t('manage.customLine', {
            name: describeAddOn(line, line.quantity),
            price: fmt.money(line.unitAmountCents * line.quantity, currency),
            interval: interval(view.plan.interval.unit, view.plan.interval.count),
          }),
        ),
        coupon: view.discount ? t('manage.couponActive', { name: view.discount.name }) : null,
        paymentMethod: view.paymentMethod,
        stripe: deps.stripeWebhook !== undefined,
        element: await hostedElementFor(setup, res.req, res, sessionOf(res).customer, view.id),
        pastDue: view.status === 'past_due' || view.dunning !== null,
        paused: view.status === 'paused',
        canPause: view.status === 'active' && !view.pauseAtPeriodEnd && !view.cancelAtPeriodEnd,
        cancelAtPeriodEnd: view.cancelAtPeriodEnd,
        endsOn: t('overview.endsOn', { date: day(view.currentPeriod.end) }),
        reasons: CANCEL_REASONS.map((value) => ({ value, label: t(`manage.reason.${value}` as MessageKey) })),
      },
      notice.problem?.status ?? 200,
    );
  }

  /** A refusal or a decline is the page again, saying why; anything else is an error page. */
  async function command(res: Response, id: string, run: () => Promise<Done>, reason?: string) {
    setAuditActor(res, { type: 'customer' });
    let done: Done;
    try {
      done = await run();
    } catch (error) {
      const problem = toProblem(error);
      if (![400, 402, 409].includes(problem.status)) throw error;
      await renderManage(res, await ownView(res, id), { problem: { status: problem.status, message: problem.message } });
      return;
    }
    const query = new URLSearchParams({ done, ...(reason ? { reason } : {}) });
    res.redirect(303, `${pagePath(id)}?${query.toString()}`);
  }

  /** The new payment method; on a past-due subscription it is charged at once, and the notice says how that went. */
  async function newPaymentMethod(id: string, paymentMethod: string, updateId?: string): Promise<Done> {
    const wasDue = (await withSubscription(deps, id, (handle) => handle.query(messages.getSubscription), 'read')).dunning !== null;
    const view = await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.updatePaymentMethod, { args: [{ paymentMethod }], ...(updateId ? { updateId } : {}) }));
    if (!wasDue) return 'paymentUpdated';
    return view.dunning === null && view.status !== 'past_due' ? 'paymentPaid' : 'paymentFailing';
  }

  /** A command's form: the customer's own subscription, and the page's CSRF token. */
  async function formOf(req: Request, res: Response) {
    const id = idOf(req.params);
    const form = checkedForm(req, res, purposeOf(id));
    await ownSubscription(deps, sessionOf(res).customerId, id);
    return { id, form };
  }

  /** A recurring add-on on sale and a quantity, from the add-on form or its preview's address; null when either is not. */
  async function addOnInput(fields: unknown): Promise<SetAddOnCommand | null> {
    const parsed = addOnFields.safeParse(fields);
    const row = parsed.success ? await deps.prisma.addOn.findUnique({ where: { code: parsed.data.code } }) : null;
    if (!parsed.success || !row || !row.active || row.kind !== 'recurring') return null;
    return { addOn: toAddOnDefinition(row), quantity: parsed.data.quantity };
  }

  router.get('/subscriptions/:id', requireCustomer(), async (req, res) => {
    const id = idOf(req.params);
    const view = await ownView(res, id);
    const done = DONE.find((key) => key === req.query.done);
    const reason = CANCEL_REASONS.find((key) => key === req.query.reason);
    await renderManage(res, view, { ...(done ? { done } : {}), ...(reason ? { reason } : {}) });
  });

  // The link of emails about a failing card (infra/links.ts paymentMethodPath): the page, at its
  // payment-method form. A signed-out customer comes here again after signing in.
  router.get('/subscriptions/:id/payment-method', requireCustomer(), async (req, res) => {
    const id = idOf(req.params);
    await ownSubscription(deps, sessionOf(res).customerId, id);
    res.redirect(303, `${pagePath(id)}#payment-method`);
  });

  router.get('/subscriptions/:id/plan', requireCustomer(), async (req, res) => {
    const id = idOf(req.params);
    const view = await ownView(res, id);
    const code = catalogueCode.safeParse(req.query.plan);
    const row = code.success ? await deps.prisma.plan.findUnique({ where: { code: code.data } }) : null;
    if (!row || !row.active || row.currency !== view.plan.currency) throw pageNotFound();
    const plan = toPlanSnapshot(row);
    const at = (await deps.clock()).toISOString();
    const preview = await withSubscription(deps, id, (handle) => handle.query(messages.previewPlanChange, { plan, at }), 'read');
    if (!preview.allowed) {
      await renderManage(res, view, { problem: { status: 409, message: preview.reason } });
      return;
    }
    const { t, fmt } = portalOf(res);
    const money = (cents: number) => fmt.money(cents, view.plan.currency);
    const effective = fmt.date(preview.effectiveAt, view.timeZone);
    renderPage(res, 'plan-preview', {
      title: t('preview.title', { plan: plan.name }),
      from: t('manage.current', { plan: view.plan.name, price: money(view.plan.amountCents), interval: t.plural(`interval.${view.plan.interval.unit}`, view.plan.interval.count) }),
      timing: preview.timing === 'now' ? t('preview.now') : t('preview.periodEnd', { date: effective }),
      lines: (preview.invoice?.lines ?? []).map((line) => ({ description: line.description, amount: money(line.amountCents) })),
      total: preview.invoice ? money(preview.invoice.amountCents) : null,
      nothingNow: preview.invoice ? null : t('preview.nothingNow'),
      plan: plan.code,
      action: `${pagePath(id)}/plan`,
      back: pagePath(id),
      purpose: purposeOf(id),
    });
  });

  router.post('/subscriptions/:id/plan', requireCustomer(), async (req, res) => {
    const { id, form } = await formOf(req, res);
    const code = catalogueCode.safeParse(form.plan);
    const row = code.success ? await deps.prisma.plan.findUnique({ where: { code: code.data } }) : null;
    if (!row || !row.active) throw pageNotFound();
    await command(res, id, async () => {
      const result = await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.changePlan, { args: [{ plan: toPlanSnapshot(row) }] }));
      return result.timing === 'now' ? 'planChanged' : 'planScheduled';
    });
  });

  router.get('/subscriptions/:id/add-ons/preview', requireCustomer(), async (req, res) => {
    const id = idOf(req.params);
    const view = await ownView(res, id);
    const input = await addOnInput(req.query);
    if (!input) {
      await renderManage(res, view, { problem: { status: 400, message: portalOf(res).t('manage.addOnInvalid') } });
      return;
    }
    const at = (await deps.clock()).toISOString();
    const preview = await withSubscription(deps, id, (handle) => handle.query(messages.previewAddOnChange, { ...input, at }), 'read');
    if (!preview.allowed) {
      await renderManage(res, view, { problem: { status: 409, message: preview.reason } });
      return;
    }
    const { t, fmt } = portalOf(res);
    const money = (cents: number) => fmt.money(cents, view.plan.currency);
    const day = (iso: string) => fmt.date(iso, view.timeZone);
    const { name } = input.addOn;
    const describe = (line: InvoiceLineDraft) => {
      const values = { name: line.itemName ?? name, from: day(line.periodStart ?? at), to: day(line.periodEnd ?? preview.billedAt) };
      const kind = line.kind === 'proration_charge' ? 'added' : line.kind === 'proration_credit' ? 'removed' : 'product';
      return t.plural(`addOnPreview.${kind}`, line.quantity, values);
    };
    renderPage(res, 'add-on-preview', {
      title: t('addOnPreview.title', { name }),
      quantity: t('addOnPreview.quantity', { name, before: fmt.number(preview.quantityBefore), after: fmt.number(preview.quantityAfter) }),
      caption: t('addOnPreview.caption', { date: day(preview.billedAt) }),
      lines: preview.lines.map((line) => ({ description: describe(line), amount: money(line.amountCents) })),
      total: preview.lines.length > 0 ? money(Math.abs(preview.totalCents)) : null,
      totalLabel: t(preview.totalCents < 0 ? 'addOnPreview.credit' : 'addOnPreview.charge'),
      recurring: t('addOnPreview.recurring', {
        price: money(preview.recurringCentsAfter),
        interval: t.plural(`interval.${view.plan.interval.unit}`, view.plan.interval.count),
        before: money(preview.recurringCentsBefore),
      }),
      code: input.addOn.code,
      requested: input.quantity,
      action: `${pagePath(id)}/add-ons`,
      back: pagePath(id),
      purpose: purposeOf(id),
    });
  });

  router.post('/subscriptions/:id/add-ons', requireCustomer(), async (req, res) => {
    const { id, form } = await formOf(req, res);
    const input = await addOnInput(form);
    if (!input) {
      await renderManage(res, await ownView(res, id), { problem: { status: 400, message: portalOf(res).t('manage.addOnInvalid') } });
      return;
    }
    await command(res, id, async () => {
      await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.setAddOn, { args: [input] }));
      return 'addOnSet';
    });
  });

  router.post('/subscriptions/:id/coupon', requireCustomer(), async (req, res) => {
    const { id, form } = await formOf(req, res);
    const code = typeof form.code === 'string' ? form.code.trim() : '';
    const row = catalogueCode.safeParse(code).success ? await deps.prisma.coupon.findUnique({ where: { code } }) : null;
    if (!row || !row.active) {
      await renderManage(res, await ownView(res, id), { problem: { status: 400, message: portalOf(res).t('manage.couponUnknown', { code }) } });
      return;
    }
    const { t } = portalOf(res);
    const redemption = { planCode: (await ownView(res, id)).plan.code, at: await deps.clock() };
    await command(res, id, async () => {
      try {
        await withRedemption(deps.prisma, code, redemption, (coupon) =>
          withSubscription(deps, id, (handle) => handle.executeUpdate(messages.applyCoupon, { args: [{ coupon: toCouponDefinition(coupon) }] })),
        );
      } catch (error) {
        // The limits of a coupon, in the customer's language.
        if (error instanceof CouponRefused && error.reason !== 'unknown' && error.reason !== 'archived') throw conflict(t(`manage.coupon.${error.reason}`, { code }));
        throw error;
      }
      return 'couponApplied';
    });
  });

  router.post('/subscriptions/:id/payment-method', requireCustomer(), async (req, res) => {
    const { id, form } = await formOf(req, res);
    const token = z.string().trim().regex(/^[A-Za-z0-9_]{1,128}$/).safeParse(form.paymentMethod);
    if (!token.success) {
      await renderManage(res, await ownView(res, id), { problem: { status: 400, message: portalOf(res).t('manage.paymentMethodInvalid') } });
      return;
    }
    await command(res, id, () => newPaymentMethod(id, token.data));
  });

  /**
   * Where Stripe sends the customer back after the Payment Element saved a payment method. The
   * query names a SetupIntent and nothing more is believed from it: Stripe is asked whether that
   * one succeeded for this customer's Stripe customer, and only then is its payment method applied.
   * The update's id is the SetupIntent's, so loading this address again (a reload, the back
   * button) applies nothing twice: the workflow answers the first update's outcome again.
   */
  router.get('/subscriptions/:id/payment-method/return', requireCustomer(), async (req, res) => {
    const id = idOf(req.params);
    const element = deps.hostedElement;
    if (!element) throw pageNotFound();
    const view = await ownView(res, id);
    const setupId = setupIntentId.safeParse(req.query.setup_intent);
    const { t } = portalOf(res);
    const refuse = (message: string) => renderManage(res, view, { problem: { status: 400, message } });
    if (!setupId.success) {
      await refuse(t('manage.setupNotTheirs'));
      return;
    }
    const outcome = await element.setup.setupOutcome(chargeCustomerOf(sessionOf(res).customer), setupId.data);
    if (outcome.outcome === 'refused') {
      await refuse(outcome.reason === 'not_succeeded' ? t('manage.setupNotSaved') : t('manage.setupNotTheirs'));
      return;
    }
    await command(res, id, () => newPaymentMethod(id, outcome.paymentMethod, `portal-setup-${setupId.data}`));
  });

  router.post('/subscriptions/:id/pause', requireCustomer(), async (req, res) => {
    const { id } = await formOf(req, res);
    await command(res, id, async () => {
      await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.pause, { args: [{ when: 'now', periods: null }] }));
      return 'paused';
    });
  });

  router.post('/subscriptions/:id/resume', requireCustomer(), async (req, res) => {
    const { id } = await formOf(req, res);
    await command(res, id, async () => {
      await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.resume, { args: [{}] }));
      return 'resumed';
    });
  });

  const cancelAtPeriodEnd = (id: string) => withSubscription(deps, id, (handle) => handle.executeUpdate(messages.cancel, { args: [{ when: 'period_end' }] }));

  router.post('/subscriptions/:id/cancel', requireCustomer(), async (req, res) => {
    const { id, form } = await formOf(req, res);
    const reason = CANCEL_REASONS.find((key) => key === form.reason);
    if (reason) {
      const view = await ownView(res, id);
      const offer = await askRetention(deps, res, view, reason, await deps.clock());
      if (offer) {
        // Nothing changes yet: the customer answers the offer first.
        renderBeforeYouGo(res, view, offer, { action: `${pagePath(id)}/retention`, purpose: purposeOf(id) });
        return;
      }
    }
    await command(
      res,
      id,
      async () => {
        await cancelAtPeriodEnd(id);
        return 'canceled';
      },
      reason,
    );
  });

  /** The offer the page showed, if the rules still make it now: the form names the rule and the reason, the rules decide the rest. */
  async function offerStillMade(req: Request, res: Response) {
    const { id, form } = await formOf(req, res);
    const reason = CANCEL_REASONS.find((key) => key === form.reason);
    const view = await ownView(res, id);
    const at = await deps.clock();
    const offer = reason ? await askRetention(deps, res, view, reason, at) : null;
    return { id, view, reason, at, offer: offer && offer.ruleId === form.rule ? offer : null };
  }

  router.post('/subscriptions/:id/retention/accept', requireCustomer(), async (req, res) => {
    const { id, view, at, offer } = await offerStillMade(req, res);
    if (!offer) {
      await renderManage(res, view, { problem: { status: 409, message: portalOf(res).t('retention.gone') } });
      return;
    }
    const coupon = retentionCoupon(offer);
    await command(res, id, async () => {
      if (offer.planChanges) {
        await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.changePlan, { args: [{ plan: offer.plan, when: 'period_end' }] }));
      }
      if (coupon) await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.applyCoupon, { args: [{ coupon }] }));
      await recordRetentionAnswer(deps, view, offer, 'accepted', at);
      return offer.planChanges ? 'retainedLower' : 'retained';
    });
  });

  router.post('/subscriptions/:id/retention/decline', requireCustomer(), async (req, res) => {
    const { id, view, reason, at, offer } = await offerStillMade(req, res);
    await command(
      res,
      id,
      async () => {
        await cancelAtPeriodEnd(id);
        if (offer) await recordRetentionAnswer(deps, view, offer, 'declined', at);
        return 'canceled';
      },
      reason,
    );
  });

  router.post('/subscriptions/:id/uncancel', requireCustomer(), async (req, res) => {
    const { id } = await formOf(req, res);
    await command(res, id, async () => {
      await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.uncancel));
      return 'uncanceled';
    });
  });

  return router;
}
