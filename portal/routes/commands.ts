// A signed-in customer manages their own subscription: change plan (after a preview of exactly
// what it costs), add-on quantities, a coupon, the payment method, pause and resume, cancel at
// period end and uncancel. Every command is a workflow update, as in the API; a POST redirects back
// (POST/redirect/GET) with what happened named in the query, which the page says in the customer's
// language. A refusal (409) or a declined payment (402) is said on the page itself, never as an
// error page: the customer can try something else from there.
import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { setAuditActor } from '../../api/audit';
import { toProblem } from '../../api/errors';
import { withSubscription } from '../../api/services/commands';
import { toAddOnDefinition, toCouponDefinition } from '../../infra/catalogue';
import { toPlanSnapshot } from '../../infra/plans';
import * as messages from '../../workflows/contract';
import type { SubscriptionView } from '../../workflows/contract';
import { ownSubscription, requireCustomer, sessionOf } from '../access';
import { portalOf, type PortalSetup } from '../context';
import { pageNotFound } from '../errors';
import { checkedForm } from '../forms';
import { chargeCustomerOf, hostedElementFor } from '../hosted-element';
import type { MessageKey } from '../i18n';
import { renderPage } from '../render';

const subscriptionId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const catalogueCode = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
/** Stripe's SetupIntent ids: `seti_` and letters and digits. Anything else was never Stripe's. */
const setupIntentId = z.string().regex(/^seti_[A-Za-z0-9]{1,200}$/);

/** Why a customer leaves: offered as choices, said back to them; the cancel command has no field for it. */
export const CANCEL_REASONS = ['too_expensive', 'missing_features', 'not_using', 'switching', 'other'] as const;

/** What a redirect may announce: only these, so a crafted link cannot put words on the page. */
const DONE = ['planChanged', 'planScheduled', 'addOnSet', 'couponApplied', 'paymentPaid', 'paymentFailing', 'paymentUpdated', 'paused', 'resumed', 'canceled', 'uncanceled'] as const;
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

  router.get('/subscriptions/:id', requireCustomer(), async (req, res) => {
    const id = idOf(req.params);
    const view = await ownView(res, id);
    const done = DONE.find((key) => key === req.query.done);
    const reason = CANCEL_REASONS.find((key) => key === req.query.reason);
    await renderManage(res, view, { ...(done ? { done } : {}), ...(reason ? { reason } : {}) });
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

  router.post('/subscriptions/:id/add-ons', requireCustomer(), async (req, res) => {
    const { id, form } = await formOf(req, res);
    const fields = z.object({ code: catalogueCode, quantity: z.coerce.number().int().min(0).max(1000) }).safeParse(form);
    const row = fields.success ? await deps.prisma.addOn.findUnique({ where: { code: fields.data.code } }) : null;
    if (!fields.success || !row || !row.active || row.kind !== 'recurring') {
      await renderManage(res, await ownView(res, id), { problem: { status: 400, message: portalOf(res).t('manage.addOnInvalid') } });
      return;
    }
    const input = { addOn: toAddOnDefinition(row), quantity: fields.data.quantity };
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
    await command(res, id, async () => {
      await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.applyCoupon, { args: [{ coupon: toCouponDefinition(row) }] }));
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

  router.post('/subscriptions/:id/cancel', requireCustomer(), async (req, res) => {
    const { id, form } = await formOf(req, res);
    const reason = CANCEL_REASONS.find((key) => key === form.reason);
    await command(
      res,
      id,
      async () => {
        await withSubscription(deps, id, (handle) => handle.executeUpdate(messages.cancel, { args: [{ when: 'period_end' }] }));
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
