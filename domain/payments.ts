// What a charge attempt is and how it is identified.

export type DeclineType = 'soft' | 'hard';

export type ChargeResult =
  | { outcome: 'succeeded'; chargeId: string }
  | { outcome: 'declined'; chargeId: string; declineCode: string; declineType: DeclineType; message: string };

/**
 * workflow id / billing key / attempt. A retried activity reuses it, so the gateway and the
 * database (unique constraint) both see one charge; a new dunning attempt gets a new key.
 */
export function chargeIdempotencyKey(workflowId: string, billingKey: string | number, attempt: number): string {
  return `${workflowId}/${billingKey}/${attempt}`;
}
