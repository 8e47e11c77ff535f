// The port the billing activities charge through. A real processor (Stripe, Adyen…) implements
// the same interface; the sandbox below stands in for it in development, tests and simulations.
import type { ChargeResult } from '../domain/payments';

export interface ChargeRequest {
  /** The same key never charges twice: a repeated request returns the first result. */
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
  /** What is being paid, e.g. an invoice number. */
  reference: string;
  /** Business time of the attempt (workflow time). */
  at: string;
}

export interface RefundRequest {
  /** The same key never refunds twice. */
  idempotencyKey: string;
  chargeId: string;
  amountCents: number;
  currency: string;
  at: string;
}

export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ refundId: string }>;
}

/** The gateway could not be reached or did not answer: the attempt may be retried with its key. */
export class GatewayUnavailableError extends Error {
  override readonly name = 'GatewayUnavailableError';
}

/** A key was reused with other parameters: the processor refuses to run or replay it. Never retried. */
export class IdempotencyKeyReuseError extends Error {
  override readonly name = 'IdempotencyKeyReuse';
}
