// Upsell offers: evaluating the rules (read from the database on every evaluation, so a rule
// edited through the API applies to running subscriptions at their next evaluation) and recording
// offers for reporting.
import { log } from '@temporalio/activity';
import type { OfferRecord } from '../domain/effects';
import type { OfferDecision } from '../domain/offers';
import { matchingRules, offerFacts, resolveTarget, rulesAt } from '../domain/offers';
import type { SubscriptionState } from '../domain/subscription';
import { offerEvents } from '../domain/webhooks';
import { enabledOfferRules } from '../infra/catalogue';
import { toPlanSnapshot } from '../infra/plans';
import type { ActivityDeps } from './deps';
import { publishWebhookEvents, recordWebhookEvents } from './webhook-outbox';
import { offerPayload } from './webhook-payloads';

export function createOfferActivities(deps: ActivityDeps) {
  const { prisma } = deps;
  return {
    /** The offer the rules make for this subscription now, if any. */
    async evaluateOffers(state: SubscriptionState): Promise<OfferDecision | null> {
      const rules = await enabledOfferRules(prisma, (ruleId, error) => log.warn('skipping an invalid offer rule', { ruleId, error: String(error) }));
      // Retention rules (moment 'cancel') answer a customer who asks to cancel, in the portal.
      const upsell = rulesAt(rules, 'renewal');
      const matching = matchingRules(upsell, offerFacts(state, upsell));
      if (matching.length === 0) return null;
      const catalogue = (await prisma.plan.findMany({ where: { active: true } })).map(toPlanSnapshot);
      for (const rule of matching) {
        const plan = resolveTarget(rule.offer.target, state.plan, catalogue);
        if (plan) return { rule, plan };
      }
      return null;
    },

    /** Creates the offer's row, or records its outcome, with its webhook event. */
    async recordOffer(record: OfferRecord): Promise<void> {
      const { offer, status, at } = record;
      const recorded = await prisma.$transaction(async (tx) => {
        await tx.offer.upsert({
          where: { id: offer.id },
          create: {
            id: offer.id,
            subscriptionId: record.subscriptionId,
            ruleId: offer.ruleId,
            fromPlanCode: offer.fromPlan,
            toPlanCode: offer.plan.code,
            percentOff: offer.percentOff,
            discountPeriods: offer.discountPeriods,
            currency: record.currency,
            mrrDeltaCents: offer.mrrDeltaCents,
            status,
            createdAt: new Date(offer.createdAt),
            expiresAt: new Date(offer.expiresAt),
            respondedAt: status === 'open' ? null : new Date(at),
          },
          update: status === 'open' ? {} : { status, respondedAt: new Date(at) },
        });
        return recordWebhookEvents(tx, offerEvents(offerPayload(offer, record), at));
      });
      await publishWebhookEvents(deps, recorded);
    },
  };
}
