// The sandbox gateway's stand-ins for what a real provider runs outside the engine: the page where
// a customer authenticates a charge (3-D Secure), and the callback that settles a pending charge
// (a wallet agreement's payment). Settling signals the subscription exactly as a provider's webhook
// does, so the workflow's path is the one production takes. Mounted only with the sandbox gateway.
import { Router } from 'express';
import { formatMoney } from '../../domain/money';
import { escapeHtml } from '../../infra/html';
import type { SandboxGateway } from '../../gateway/sandbox-gateway';
import type { ApiDeps } from '../deps';
import { notFound } from '../problem';
import { sandboxChargeParams, sandboxSettleQuery } from '../schemas/sandbox';
import { subscriptionsOfCharge } from '../services/payment-event-routing';
import { deliverPaymentEvent } from '../services/payment-events';

/** Landmarks and a note dark enough to read (7:1), as axe-core checks in test/browser. */
function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5"><header><p style="color:#595959">Sandbox bank: no real money moves</p></header><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function sandboxRouter(deps: ApiDeps, sandbox: SandboxGateway): Router {
  const router = Router();

  const chargeOf = async (chargeId: string) => {
    const row = await deps.prisma.sandboxCharge.findUnique({ where: { chargeId } });
    if (!row) throw notFound(`the sandbox has no charge ${chargeId}`);
    const attempt = await deps.prisma.paymentAttempt.findFirst({ where: { gatewayChargeId: chargeId }, select: { invoice: { select: { number: true } } } });
    return { row, invoiceNumber: attempt?.invoice.number ?? row.reference };
  };

  router.get('/charges/:chargeId', async (req, res) => {
    const { chargeId } = sandboxChargeParams.parse(req.params);
    const { row, invoiceNumber } = await chargeOf(chargeId);
    const amount = escapeHtml(formatMoney({ amountCents: row.amountCents, currency: row.currency }));
    const action = `/sandbox/charges/${encodeURIComponent(chargeId)}/settle`;
    const body =
      row.outcome === 'pending'
        ? `<p>Confirm the payment of <strong>${amount}</strong> for invoice ${escapeHtml(invoiceNumber)}?</p>
<form method="post" action="${action}?outcome=succeeded" style="display:inline"><button type="submit">Confirm payment</button></form>
<form method="post" action="${action}?outcome=failed" style="display:inline"><button type="submit">Refuse</button></form>`
        : `<p>The payment of <strong>${amount}</strong> for invoice ${escapeHtml(invoiceNumber)} is ${escapeHtml(row.outcome)}.</p>`;
    res.type('html').send(page('Confirm your payment', body));
  });

  router.post('/charges/:chargeId/settle', async (req, res) => {
    const { chargeId } = sandboxChargeParams.parse(req.params);
    const { outcome } = sandboxSettleQuery.parse(req.query);
    const { invoiceNumber } = await chargeOf(chargeId);
    const result = await sandbox.settle(chargeId, outcome);
    const subscriptionIds = [...new Set(await subscriptionsOfCharge(deps.prisma, sandbox.name, chargeId))];
    const told = await deliverPaymentEvent(deps, subscriptionIds, { kind: 'charge_updated', eventId: `sandbox/${chargeId}/${result.outcome}`, chargeId });
    if (req.accepts(['json', 'html']) === 'html') {
      const title = result.outcome === 'succeeded' ? 'Payment confirmed' : 'Payment refused';
      res.type('html').send(page(title, `<p>Invoice ${escapeHtml(invoiceNumber)}: ${escapeHtml(result.outcome)}. You can close this page.</p>`));
      return;
    }
    res.json({ chargeId, outcome: result.outcome, ...(result.outcome === 'declined' ? { declineCode: result.declineCode } : {}), subscriptionsTold: told });
  });

  return router;
}
