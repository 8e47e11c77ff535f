// A customer who asks to cancel may be offered something to stay (domain/retention.ts): this asks
// the retention rules about their subscription, shows the "Before you go" page, and records their
// answer. The rules, the answers and the catalogue are read on every ask, so a rule edited through
// the API applies at once; the page's buttons send the rule and the reason back, and the offer is
// asked for again before anything is applied, so a form cannot name an offer the rules do not make.
import type { Response } from 'express';
import type { ApiDeps } from '../api/deps';
import { requestContextOf } from '../api/request-context';
import type { OfferRule } from '../domain/offers';
import type { LeavingReason, RetentionOffer } from '../domain/retention';
import { retentionOffer, retentionPrices } from '../domain/retention';
import { enabledOfferRules } from '../infra/catalogue';
import { toPlanSnapshot } from '../infra/plans';
import type { SubscriptionView } from '../workflows/contract';
import { portalOf } from './context';
import type { MessageKey } from './i18n';
import { renderPage } from './render';

function retentionRules(deps: ApiDeps, res: Response): Promise<OfferRule[]> {
  return enabledOfferRules(deps.prisma, (ruleId, error) => requestContextOf(res.req)?.log.warn({ ruleId, err: error }, 'skipping an invalid offer rule'));
}

/** The offer the rules make to keep this subscription, asked at `at`; null lets the cancel go ahead. */
export async function askRetention(deps: ApiDeps, res: Response, view: SubscriptionView, reason: LeavingReason, at: Date): Promise<RetentionOffer | null> {
  const rules = await retentionRules(deps, res);
  if (!rules.some((rule) => rule.moment === 'cancel')) return null;
  const answers = await deps.prisma.retentionAnswer.findMany({ where: { subscriptionId: view.id }, select: { ruleId: true, outcome: true, answeredAt: true } });
  const catalogue = (await deps.prisma.plan.findMany({ where: { active: true, currency: view.plan.currency } })).map(toPlanSnapshot);
  return retentionOffer({
    state: view,
    reason,
    rules,
    answers: answers.map((answer) => ({ ...answer, answeredAt: answer.answeredAt.toISOString() })),
    catalogue,
    at: at.toISOString(),
  });
}

export async function recordRetentionAnswer(deps: ApiDeps, view: SubscriptionView, offer: RetentionOffer, outcome: 'accepted' | 'declined', at: Date): Promise<void> {
  await deps.prisma.retentionAnswer.create({
    data: {
      subscriptionId: view.id,
      ruleId: offer.ruleId,
      reason: offer.reason,
      outcome,
      fromPlanCode: view.plan.code,
      toPlanCode: offer.plan.code,
      percentOff: offer.percentOff,
      discountPeriods: offer.discountPeriods,
      answeredAt: at,
    },
  });
}

/** The "Before you go" page: the offer, what it costs a period during and after the discount, and two buttons. */
export function renderBeforeYouGo(res: Response, view: SubscriptionView, offer: RetentionOffer, form: { action: string; purpose: string }): void {
  const { t, fmt } = portalOf(res);
  const money = (cents: number) => fmt.money(cents, offer.plan.currency);
  const per = t.plural(`interval.${offer.plan.interval.unit}`, offer.plan.interval.count);
  const periodEnd = fmt.date(view.currentPeriod.end, view.timeZone);
  const prices = retentionPrices(offer);
  const discounted = offer.percentOff > 0 && offer.discountPeriods > 0;
  const values = { plan: offer.plan.name, percent: fmt.percent(offer.percentOff), date: periodEnd };
  const headline = offer.planChanges
    ? discounted
      ? t.plural('retention.lowerTier', offer.discountPeriods, values)
      : t('retention.lowerTierPlain', values)
    : t.plural('retention.currentPlan', offer.discountPeriods, values);
  renderPage(res, 'retention', {
    title: t('retention.title'),
    reason: t('manage.reasonShown', { reason: t(`manage.reason.${offer.reason}` as MessageKey) }),
    headline,
    during: discounted ? { label: t.plural('retention.during', offer.discountPeriods), price: `${money(prices.discountedCents)} ${per}` } : null,
    after: { label: discounted ? t('retention.after') : t('retention.price'), price: `${money(prices.afterCents)} ${per}` },
    acceptNote: offer.planChanges ? t('retention.acceptNoteLower', values) : t('retention.acceptNote'),
    cancelNote: t('retention.cancelNote', values),
    action: form.action,
    purpose: form.purpose,
    rule: offer.ruleId,
    reasonCode: offer.reason,
  });
}
