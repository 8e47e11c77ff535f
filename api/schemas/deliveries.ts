// Deliveries of a subscription's shipping add-ons, as the API takes and shows them.
import { z } from 'zod';
import { postalAddress } from './billing-profile';
import { subscriptionParams } from './subscriptions';
import { timestamp } from './responses/common';

export const deliveryParams = subscriptionParams.extend({ deliveryId: z.uuid('must be a delivery id (a UUID, from GET /subscriptions/:id/deliveries)').describe('The delivery (GET /subscriptions/:id/deliveries)') });

export const deliveryAddressBody = z.strictObject({ address: postalAddress.describe('Where the shipping add-ons go from now on') });

export type DeliveryAddressBody = z.infer<typeof deliveryAddressBody>;

export const deliveryView = z.strictObject({
  id: z.string(),
  subscriptionId: z.string(),
  addOnCode: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  period: z.strictObject({ start: timestamp.describe('Inclusive'), end: timestamp.describe('Exclusive') }).describe('The period the delivery is for (and billed in)'),
  status: z.enum(['scheduled', 'skipped', 'canceled']).describe('`skipped`: not shipped, and its period is not billed for the add-on; `canceled`: withdrawn because no renewal bills it any more (add-on removed, cancel or pause at period end, subscription ended)'),
  address: postalAddress.nullable().describe("Where it goes: the subscription's delivery address, else the billing profile's; null while there is none"),
  cutoffAt: timestamp.describe('Until when it can be skipped or redirected; after it the delivery is final'),
  final: z.boolean().describe('The cut-off has passed'),
});

export type DeliveryView = z.infer<typeof deliveryView>;

export const deliveryList = z.strictObject({ subscriptionId: z.string(), deliveries: z.array(deliveryView).describe('Newest period first') });

export const deliveryAddressResult = z.strictObject({
  subscriptionId: z.string(),
  address: postalAddress,
  deliveries: z.array(deliveryView).describe('The scheduled deliveries the new address applies to'),
});
