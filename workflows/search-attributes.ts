// Custom search attributes ops filter on in the Temporal UI, e.g.
//   SubscriptionStatus="past_due" AND PlanCode="pro-monthly"
// Registered on the server by infra/temporal.ts (dev server, test server, real clusters).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SubscriptionStatusKey = defineSearchAttributeKey('SubscriptionStatus', SearchAttributeType.KEYWORD);
export const PlanCodeKey = defineSearchAttributeKey('PlanCode', SearchAttributeType.KEYWORD);
export const CustomerIdKey = defineSearchAttributeKey('CustomerId', SearchAttributeType.KEYWORD);
export const NextBillingAtKey = defineSearchAttributeKey('NextBillingAt', SearchAttributeType.DATETIME);
export const DunningAttemptKey = defineSearchAttributeKey('DunningAttempt', SearchAttributeType.INT);
export const CancelAtPeriodEndKey = defineSearchAttributeKey('CancelAtPeriodEnd', SearchAttributeType.BOOL);
export const HasOpenOfferKey = defineSearchAttributeKey('HasOpenOffer', SearchAttributeType.BOOL);

export const SEARCH_ATTRIBUTE_KEYS = [
  SubscriptionStatusKey,
  PlanCodeKey,
  CustomerIdKey,
  NextBillingAtKey,
  DunningAttemptKey,
  CancelAtPeriodEndKey,
  HasOpenOfferKey,
] as const;
