// Stripe's Payment Element in the manage page's payment-method section, when the Stripe gateway
// has a publishable key (README, "Customer portal"). The server makes a SetupIntent for the
// customer's Stripe customer; the page's own script (static/hosted-element.js) mounts the element
// with its client secret and confirms it, and Stripe sends the browser back to the return route,
// which reads the outcome from Stripe itself. Without a publishable key the page keeps its token field.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ChargeCustomer, SetupStart } from '../gateway/payment-gateway';
import type { Customer } from '../prisma/generated/client';
import { portalOf, type PortalSetup } from './context';

/** What the page's script reads from the element's form: no inline script carries it (the CSP forbids one). */
export interface HostedElementFields {
  publishableKey: string;
  clientSecret: string;
  returnUrl: string;
  locale: string;
}

export const returnPath = (subscriptionId: string) => `/portal/subscriptions/${subscriptionId}/payment-method/return`;

/** The gateway's view of a portal customer: its Stripe customer is found (or made) by the engine's id. */
export function chargeCustomerOf(customer: Customer): ChargeCustomer {
  return { id: customer.id, email: customer.email, name: customer.name };
}

/** Stripe did not answer: the page (manage.eta) says so where the element would be, and the rest of it works. */
export const ELEMENT_UNAVAILABLE = 'unavailable';

/**
 * A new SetupIntent for the element on this page, and the page's policy loosened for Stripe.js;
 * null when no element is configured. When Stripe cannot make one, the page still renders (a
 * customer must be able to cancel or pause while Stripe is down), without the element.
 *
 * Each page view gets its own SetupIntent, as Stripe's guide has it: one confirmed earlier cannot
 * be confirmed again, and one left unconfirmed costs nothing. The key is the view's own, so the
 * Stripe client's resend of a dropped request makes no second one.
 */
export async function hostedElementFor(
  setup: PortalSetup,
  req: Request,
  res: Response,
  customer: Customer,
  subscriptionId: string,
): Promise<HostedElementFields | typeof ELEMENT_UNAVAILABLE | null> {
  const element = setup.deps.hostedElement;
  if (!element) return null;
  let started: SetupStart;
  try {
    started = await element.setup.startSetup({ customer: chargeCustomerOf(customer), idempotencyKey: `portal-setup-${randomUUID()}`, subscriptionId });
  } catch (error) {
    setup.deps.onUnexpectedError?.(error);
    return ELEMENT_UNAVAILABLE;
  }
  setup.hostedElementPolicy(req, res, () => undefined);
  return {
    publishableKey: element.publishableKey,
    clientSecret: started.clientSecret,
    // Where customers reach the API (PUBLIC_URL), as links in emails are.
    returnUrl: `${setup.deps.links.publicUrl.replace(/\/$/, '')}${returnPath(subscriptionId)}`,
    locale: portalOf(res).language,
  };
}
