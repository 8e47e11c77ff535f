import { z } from 'zod';
import { offerRule, offerRuleWithOptionalId } from '../../infra/catalogue';

export const offerRuleParams = z.object({ id: offerRule.shape.id });

/** A whole rule. The path names the rule: an `id` in the body is checked, then ignored (so a rule read with GET can be sent back). */
export const offerRuleBody = offerRuleWithOptionalId;
