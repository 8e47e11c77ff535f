// Who may see what: a signed-in customer sees their own subscriptions, invoices and offers. Anyone
// else's id is a 404, exactly like an id that does not exist, so ids reveal nothing.
import type { RequestHandler, Response } from 'express';
import type { ApiDeps } from '../api/deps';
import { portalOf } from './context';
import { pageNotFound } from './errors';
import type { PortalSession } from './sessions';

/** A page this path leads to after sign-in: only the portal's own, never another site. */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 512) return null;
  return /^\/portal(\/[\w\-./?=&%]*)?$/.test(value) && !value.includes('//') && !value.includes('..') ? value : null;
}

/** Pages for a signed-in customer: anyone else signs in first, then comes back to the page. */
export function requireCustomer(): RequestHandler {
  return (req, res, next) => {
    if (portalOf(res).session) return next();
    const target = req.method === 'GET' ? safeNext(req.originalUrl) : null;
    res.redirect(303, target && target !== '/portal' ? `/portal/sign-in?next=${encodeURIComponent(target)}` : '/portal/sign-in');
  };
}

export function sessionOf(res: Response): PortalSession {
  const { session } = portalOf(res);
  if (!session) throw new Error('requireCustomer() must guard this route');
  return session;
}

export async function ownInvoice({ prisma }: ApiDeps, customerId: string, invoiceId: string) {
  const invoice = await prisma.invoice.findFirst({ where: { id: invoiceId, customerId } });
  if (!invoice) throw pageNotFound();
  return invoice;
}

export async function ownSubscription({ prisma }: ApiDeps, customerId: string, subscriptionId: string) {
  const subscription = await prisma.subscription.findFirst({ where: { id: subscriptionId, customerId } });
  if (!subscription) throw pageNotFound();
  return subscription;
}
