// Asking the upsell rules whether to make an offer, and making it.
import { canReceiveOffer, makeOffer } from '../domain/offers';
import { local } from './activities';
import type { Subscription } from './billing';

export async function considerOffer(sub: Subscription, at: string): Promise<void> {
  if (!canReceiveOffer(sub.state, at)) return;
  const decision = await local.evaluateOffers.executeWithOptions({ summary: 'evaluate upsell rules' }, [sub.state]);
  if (!decision) return;
  const step = makeOffer(sub.state, decision.rule, decision.plan, at);
  sub.state = step.state;
  await sub.effects.carryOut(step.effects);
}
