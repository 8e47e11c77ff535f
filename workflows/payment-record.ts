// Books a refund or a chargeback that the gateway reports for a subscription whose workflow has
// ended (chargebacks often come weeks after a cancellation). A running subscription books them
// itself, under its lock, so that its own refunds are always written before their echo arrives;
// an ended one has no refund left in flight, so a workflow of its own is safe. Its id is the
// event's, so a repeated event starts nothing twice.
import { activities } from './activities';
import type { PaymentRecordInput } from './contract';

export async function paymentRecordWorkflow({ event }: PaymentRecordInput): Promise<void> {
  if (event.kind === 'refunded') {
    await activities.recordGatewayRefund.executeWithOptions({ summary: `record refunds of charge ${event.chargeId}: ${event.refundedCents} ${event.currency} in all` }, [event]);
  } else {
    await activities.recordDispute.executeWithOptions({ summary: `record dispute ${event.disputeId} (${event.reason})` }, [event]);
  }
}
