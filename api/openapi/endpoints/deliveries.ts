// Deliveries of a subscription's shipping add-ons (api/routes/deliveries.ts).
import { deliveryAddressBody, deliveryAddressResult, deliveryList, deliveryParams, deliveryView } from '../../schemas/deliveries';
import { subscriptionParams } from '../../schemas/subscriptions';
import type { Endpoint } from '../endpoint';
import { NO_SUBSCRIPTION, ok, SUBSCRIPTION_ID } from './answers';

const AFTER_CUTOFF = "The delivery's cut-off (DELIVERY_CUTOFF_DAYS before its period starts) has passed: it is final. The problem names `cutoffAt`";

export const deliveryEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/subscriptions/:id/deliveries',
    operationId: 'listDeliveries',
    tag: 'extras',
    summary: 'The deliveries of shipping add-ons',
    description:
      'While a subscription holds an add-on that ships every period (e.g. `monthly-box`), the delivery of the next period is scheduled (webhook `delivery.scheduled`), ' +
      "to the subscription's delivery address or else the billing profile's. Newest period first, at most 100.",
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    answers: [ok(deliveryList, 'The deliveries')],
    errors: { 404: NO_SUBSCRIPTION },
  },
  {
    method: 'post',
    path: '/subscriptions/:id/deliveries/:deliveryId/skip',
    operationId: 'skipDelivery',
    tag: 'extras',
    summary: 'Skip a delivery',
    description:
      'Until its cut-off: the delivery is not shipped, and the renewal invoice of its period credits the add-on\'s line ("Delivery skipped: …"). Skipping again answers the same.',
    params: deliveryParams,
    paramExamples: { id: 'sub_ada', deliveryId: '7f8c2a4e-5d0b-4c1e-9a57-1d2f3e4a5b6c' },
    answers: [ok(deliveryView, 'The skipped delivery')],
    errors: { 404: 'No subscription has this id, or it has no such delivery', 409: AFTER_CUTOFF },
  },
  {
    method: 'put',
    path: '/subscriptions/:id/delivery-address',
    operationId: 'setDeliveryAddress',
    tag: 'extras',
    summary: 'Set the delivery address',
    description: "Where the subscription's shipping add-ons go from now on, instead of the billing profile's address; the scheduled deliveries before their cut-off change with it.",
    params: subscriptionParams,
    paramExamples: SUBSCRIPTION_ID,
    body: deliveryAddressBody,
    example: { address: { lines: ['Storgata 1'], postalCode: '0155', city: 'Oslo', country: 'NO' } },
    answers: [ok(deliveryAddressResult, 'The address and the deliveries it applies to')],
    errors: { 400: 'The address is not valid', 404: NO_SUBSCRIPTION, 409: `The next delivery is past its cut-off and not yet shipped. ${AFTER_CUTOFF}` },
  },
];
