// Every endpoint of the API, declared once. test/api/openapi.test.ts fails when a route is added to
// a router without being declared here, or declared without a route.
import type { Endpoint } from '../endpoint';
import { catalogueAdminEndpoints } from './catalogue-admin';
import { catalogueEndpoints } from './catalogue';
import { commandEndpoints } from './commands';
import { deliveryEndpoints } from './deliveries';
import { exportEndpoints } from './exports';
import { gatewayEndpoints } from './gateways';
import { operationEndpoints } from './operations';
import { paymentEndpoints } from './payments';
import { quoteEndpoints } from './quotes';
import { recordEndpoints } from './records';
import { securityEndpoints } from './security';
import { subscriptionEndpoints } from './subscriptions';
import { upsellEndpoints } from './upsell';
import { webhookEndpoints } from './webhooks';

export const ENDPOINTS: readonly Endpoint[] = [
  ...subscriptionEndpoints,
  ...commandEndpoints,
  ...upsellEndpoints,
  ...deliveryEndpoints,
  ...quoteEndpoints,
  ...catalogueAdminEndpoints,
  ...catalogueEndpoints,
  ...recordEndpoints,
  ...exportEndpoints,
  ...paymentEndpoints,
  ...webhookEndpoints,
  ...gatewayEndpoints,
  ...securityEndpoints,
  ...operationEndpoints,
];
