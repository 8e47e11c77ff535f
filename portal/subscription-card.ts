// One subscription on the overview, in words: plan, status, what happens next and when, the
// payment method, an open offer, and a payment in flight with its link. Pure: from the workflow's
// view (a live subscription) or the database row (an ended one).
import { upcomingRenewal } from '../domain/upcoming-renewal';
import { offerPagePath, type LinkSigning } from '../infra/links';
import type { Subscription } from '../prisma/generated/client';
import type { SubscriptionView } from '../workflows/contract';
import type { Format, MessageKey, Translate } from './i18n';

export interface SubscriptionCard {
  id: string;
  plan: string;
  status: string;
  /** Sentences about the state: trial, end, pause, failed payment, scheduled change. */
  notes: string[];
  renewal: string;
  paymentMethod: string | null;
  offer: { text: string; href: string; label: string } | null;
  payment: { text: string; action: { href: string; label: string } | null } | null;
  /** The page of its commands (portal/routes/commands.ts); an ended subscription has none. */
  manageHref: string | null;
}

interface Words {
  t: Translate;
  fmt: Format;
}

const statusKey = (status: string) => `status.${status}` as MessageKey;

function notes(view: SubscriptionView, { t, fmt }: Words): string[] {
  const day = (iso: string) => fmt.date(iso, view.timeZone);
  const lines: string[] = [];
  if (view.status === 'trialing' && view.trialEnd) lines.push(t('overview.trialUntil', { date: day(view.trialEnd) }));
  if (view.cancelAtPeriodEnd) lines.push(t('overview.endsOn', { date: day(view.currentPeriod.end) }));
  if (view.status === 'paused') lines.push(view.pause?.resumesAt ? t('overview.pausedUntil', { date: day(view.pause.resumesAt) }) : t('overview.pausedOpen'));
  if (view.pauseAtPeriodEnd) lines.push(t('overview.pausesAtPeriodEnd', { date: day(view.currentPeriod.end) }));
  if (view.dunning) lines.push(view.dunning.nextRetryAt ? t('overview.retryOn', { date: day(view.dunning.nextRetryAt) }) : t('overview.needsPaymentMethod'));
  const change = view.scheduledChange?.plan;
  // The same plan at a new price version (a price migration): only the price changes.
  if (change && change.code === view.plan.code) {
    lines.push(t('overview.scheduledPriceChange', { amount: fmt.money(change.amountCents, change.currency), date: day(view.currentPeriod.end) }));
  } else if (change) lines.push(t('overview.scheduledChange', { plan: change.name, date: day(view.currentPeriod.end) }));
  return lines;
}

function offer(view: SubscriptionView, links: LinkSigning, { t, fmt }: Words): SubscriptionCard['offer'] {
  const open = view.offer;
  if (!open) return null;
  const values = { plan: open.plan.name, percent: fmt.percent(open.percentOff), date: fmt.date(open.expiresAt, view.timeZone) };
  return {
    text: open.percentOff > 0 ? t('overview.offer', values) : t('overview.offerSwitch', values),
    href: offerPagePath(links, view.id, open.id, open.expiresAt),
    label: t('overview.offerLink'),
  };
}

function payment(view: SubscriptionView, { t, fmt }: Words): SubscriptionCard['payment'] {
  const pending = view.pendingPayment;
  if (!pending) return null;
  const amount = fmt.money(pending.charge.invoice.amountCents, pending.charge.invoice.currency);
  if (pending.reason === 'processing') return { text: t('overview.pendingProcessing', { amount }), action: null };
  const text = t('overview.pendingAction', { amount });
  // The gateway's page; only a web address becomes a link.
  if (!pending.actionUrl || !/^https?:\/\//i.test(pending.actionUrl)) return { text: `${text} ${t('overview.pendingActionElsewhere')}`, action: null };
  return { text, action: { href: pending.actionUrl, label: t('overview.pendingActionLink') } };
}

export function liveCard(view: SubscriptionView, links: LinkSigning, words: Words): SubscriptionCard {
  const { t, fmt } = words;
  const renewal = upcomingRenewal(view);
  const values = renewal && { amount: fmt.money(renewal.amountCents, renewal.currency), date: fmt.date(renewal.at, view.timeZone), plan: renewal.planName };
  return {
    id: view.id,
    plan: view.plan.name,
    status: t(statusKey(view.status)),
    notes: notes(view, words),
    renewal: !values ? t('overview.noRenewal') : values.plan === view.plan.name ? t('overview.renewal', values) : t('overview.renewalPlan', values),
    paymentMethod: view.paymentMethod,
    offer: offer(view, links, words),
    payment: payment(view, words),
    manageHref: `/portal/subscriptions/${view.id}`,
  };
}

export function endedCard(row: Subscription, planName: string, { t, fmt }: Words): SubscriptionCard {
  return {
    id: row.id,
    plan: planName,
    status: t(statusKey(row.status)),
    notes: row.endedAt ? [t('overview.endedOn', { date: fmt.date(row.endedAt.toISOString()) })] : [],
    renewal: t('overview.noRenewal'),
    paymentMethod: null,
    offer: null,
    payment: null,
    manageHref: null,
  };
}
