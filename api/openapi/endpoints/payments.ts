// The payment provider's side of a charge (api/routes/sandbox.ts).
import { z } from 'zod';
import { sandboxChargeParams, sandboxSettleQuery } from '../../schemas/sandbox';
import type { Endpoint } from '../endpoint';

const SANDBOX_ONLY = 'Served only when the sandbox gateway is configured (PAYMENT_GATEWAY=sandbox, the default).';

const settled = z.object({
  chargeId: z.string(),
  outcome: z.enum(['succeeded', 'declined']),
  declineCode: z.string().optional(),
  /** The subscriptions told by signal (one, unless its workflow has ended). */
  subscriptionsTold: z.array(z.string()),
});

export const paymentEndpoints: Endpoint[] = [
  {
    method: 'get',
    path: '/sandbox/charges/:chargeId',
    operationId: 'getSandboxCharge',
    tag: 'payments',
    summary: "The sandbox bank's page where a customer confirms a charge that needs authentication (3-D Secure)",
    description: `The link in the "please confirm your payment" email of a charge made with \`pm_card_authentication_required\`. Its buttons settle the charge. ${SANDBOX_ONLY}`,
    params: sandboxChargeParams,
    paramExamples: { chargeId: 'ch_subscription_sub_1_INV_sub_1_0001_1' },
    answers: [{ status: 200, description: 'An HTML page', schema: z.string(), contentType: 'text/html; charset=utf-8' }],
    errors: { 400: 'The id is not a sandbox charge id', 404: 'The sandbox made no such charge' },
  },
  {
    method: 'post',
    path: '/sandbox/charges/:chargeId/settle',
    operationId: 'settleSandboxCharge',
    tag: 'payments',
    summary: 'Settles a pending sandbox charge, as the provider would tell the engine by webhook',
    description: `The customer authenticated (or refused) a 3-D Secure charge, or an asynchronous payment (\`pm_async_succeeds\`, \`pm_async_fails\`) settled. The subscription is signaled and asks the gateway for the outcome, exactly as after a provider's webhook. Settling a charge that already ended answers how it ended and changes nothing. ${SANDBOX_ONLY}`,
    params: sandboxChargeParams,
    paramExamples: { chargeId: 'ch_subscription_sub_1_INV_sub_1_0001_1' },
    query: sandboxSettleQuery,
    queryExample: { outcome: 'succeeded' },
    fields: { outcome: 'succeeded or failed; absent: as the payment method token says (pm_async_fails fails, the others succeed)' },
    answers: [{ status: 200, description: 'How the charge ended', schema: settled }],
    errors: { 400: 'The id is not a sandbox charge id, or the outcome is neither succeeded nor failed', 404: 'The sandbox made no such charge' },
  },
];
