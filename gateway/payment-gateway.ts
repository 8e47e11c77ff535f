// The port the billing activities charge through. The sandbox (development, tests, simulations)
// and Stripe implement it; an agreement-based wallet (Vipps MobilePay Recurring) fits it too,
// because a charge may answer `pending` and settle later: the workflow then waits for the
// gateway's word (a webhook, turned into a signal) or its own deadline, and asks the gateway for
// the outcome with `chargeStatus` or ends it with `cancelCharge`.
import type { ChargeResult, FinalChargeResult } from '../domain/payments';

export interface ChargeCustomer {
  /** The engine's customer id: the gateway keeps its own customer per engine customer. */
  id: string;
  email: string;
  name: string | null;
}

export interface ChargeRequest {
  /** The same key never charges twice: a repeated request returns the first result. */
  idempotencyKey: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
  /** What is being paid: the invoice's key (reference). */
  reference: string;
  /** The invoice's legal number, shown to the customer and in the gateway's dashboard. */
  invoiceNumber: string;
  subscriptionId: string;
  customer: ChargeCustomer;
  /** Business time of the attempt (workflow time). */
  at: string;
  /**
   * The key may have reached the gateway before (an earlier call's answer never arrived). A gateway
   * whose idempotency keys expire (Stripe's after 24 hours) looks the charge up before making one;
   * first calls leave it unset and save that request.
   */
  repeated?: boolean;
}

/** A charge made earlier: the gateway's id of it, and the key it was made under. */
export interface ChargeRef {
  chargeId: string;
  idempotencyKey: string;
  /** Business time of the question. */
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
  /** Which gateway: recorded on payment attempts and shown to ops. */
  readonly name: string;
  /** Succeeded, declined, or pending (the customer must act, or it settles later). */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Where a charge stands now: after a webhook said it moved, or at its deadline. */
  chargeStatus(ref: ChargeRef): Promise<ChargeResult>;
  /**
   * Ends a pending charge so it can never complete later; answers what it ended as (succeeded,
   * if it completed before the cancel reached the gateway). A final charge is answered as is.
   */
  cancelCharge(ref: ChargeRef): Promise<FinalChargeResult>;
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

/** The gateway refused the request itself (bad parameters, unknown payment method): never retried as is. */
export class GatewayRequestError extends Error {
  override readonly name = 'GatewayRequestError';
}

/** A payment method to be saved on the provider's own element, for the customer's later charges. */
export interface SetupRequest {
  customer: ChargeCustomer;
  /** The same key never makes a second setup: a resent request gets the first one's answer. */
  idempotencyKey: string;
  /** Which subscription's page asked: kept on the setup, for the provider's dashboard. */
  subscriptionId: string;
}

/** What the provider's element needs to collect the payment method: the setup's id and client secret. */
export interface SetupStart {
  id: string;
  clientSecret: string;
}

/**
 * What a setup the customer came back from says: the payment method it saved, or why it cannot be
 * used here (the provider knows no such setup, it was made for another customer, or it did not succeed).
 */
export type SetupOutcome = { outcome: 'saved'; paymentMethod: string } | { outcome: 'refused'; reason: 'unknown' | 'not_theirs' | 'not_succeeded' };

/**
 * Saving a payment method on the provider's hosted element (Stripe's Payment Element) instead of
 * the portal's token field. The outcome is always read from the provider, never from the
 * customer's browser, which only brings back the setup's id.
 */
export interface PaymentMethodSetup {
  startSetup(request: SetupRequest): Promise<SetupStart>;
  setupOutcome(customer: ChargeCustomer, setupId: string): Promise<SetupOutcome>;
}
