// A sandbox payment gateway that behaves by payment-method token, like card networks' test
// cards. Its ledger is a database table keyed by idempotency key, so a repeated request (a retried
// activity, a restarted worker) returns the recorded result and never charges twice.
import type { PrismaClient } from '../prisma/generated/client';
import type { ChargeResult, DeclineType, FinalChargeResult, PendingReason } from '../domain/payments';
import type { ChargeRef, ChargeRequest, PaymentGateway, RefundRequest } from './payment-gateway';
import { GatewayRequestError, GatewayUnavailableError, IdempotencyKeyReuseError } from './payment-gateway';

interface Decline {
  declineCode: string;
  declineType: DeclineType;
  message: string;
}

const DECLINES: Record<string, Decline> = {
  pm_card_insufficient_funds: { declineCode: 'insufficient_funds', declineType: 'soft', message: 'Your card has insufficient funds.' },
  pm_card_declined: { declineCode: 'generic_decline', declineType: 'soft', message: 'Your card was declined.' },
  pm_card_stolen: { declineCode: 'stolen_card', declineType: 'hard', message: 'Your card was declined (reported stolen).' },
  pm_card_lost: { declineCode: 'lost_card', declineType: 'hard', message: 'Your card was declined (reported lost).' },
  pm_card_expired: { declineCode: 'expired_card', declineType: 'hard', message: 'Your card has expired.' },
};

/** How pending charges end when they do not succeed (by the settle call, or canceled). */
const PENDING_DECLINES: Record<string, Decline> = {
  authentication_failed: { declineCode: 'authentication_required', declineType: 'soft', message: 'The payment was not authenticated by the cardholder.' },
  async_failed: { declineCode: 'insufficient_funds', declineType: 'soft', message: 'The payment was not completed: insufficient funds.' },
  canceled: { declineCode: 'payment_canceled', declineType: 'soft', message: 'The payment was canceled before it was completed.' },
};

/** Tokens whose charges wait: for the customer to authenticate (SCA), or to settle later (a wallet agreement). */
const PENDING_TOKENS: Record<string, { reason: PendingReason; failure: Decline }> = {
  pm_card_authentication_required: { reason: 'action_required', failure: PENDING_DECLINES.authentication_failed! },
  pm_async_succeeds: { reason: 'processing', failure: PENDING_DECLINES.async_failed! },
  pm_async_fails: { reason: 'processing', failure: PENDING_DECLINES.async_failed! },
};

/** Test tokens, documented in README ("Sandbox payment methods"). */
export const SANDBOX_TOKENS = {
  success: 'pm_card_visa',
  softDecline: 'pm_card_insufficient_funds',
  hardDecline: 'pm_card_stolen',
  expired: 'pm_card_expired',
  /** Soft-declines the first N attempts of each invoice, then succeeds. */
  failFirst: (attempts: number) => `pm_card_fail_first_${attempts}`,
  /** Charges, but the answer is lost N times per idempotency key (the caller sees a timeout). */
  lostResponse: (times: number) => `pm_card_lost_response_${times}`,
  /** Unreachable N times per idempotency key before it answers. */
  unavailable: (times: number) => `pm_card_unavailable_${times}`,
  /**
   * Hangs `ms` before charging, the first N times per idempotency key (past a caller's timeout),
   * then charges and answers: the caller's retry and the late first call race on the same key.
   */
  hang: (ms: number, times: number) => `pm_card_hang_${ms}_${times}`,
  /** Needs the customer's authentication (3-D Secure): pending until settled (`settle`) or canceled. */
  authenticationRequired: 'pm_card_authentication_required',
  /** Settles later, as a wallet agreement's charge does: pending until `settle` (which by default succeeds / fails). */
  asyncSucceeds: 'pm_async_succeeds',
  asyncFails: 'pm_async_fails',
} as const;

/** How a pending sandbox charge ends when it is settled (what the provider's callback would say). */
export type SandboxSettlement = 'succeeded' | 'failed';

function countSuffix(token: string, prefix: string): number | undefined {
  if (!token.startsWith(prefix)) return undefined;
  const count = Number(token.slice(prefix.length));
  return Number.isInteger(count) && count >= 0 ? count : undefined;
}

/** `pm_card_hang_<ms>_<times>` → its delay and count. */
function hangOf(token: string): { ms: number; times: number } | undefined {
  const match = /^pm_card_hang_(\d+)_(\d+)$/.exec(token);
  return match ? { ms: Number(match[1]), times: Number(match[2]) } : undefined;
}

export interface SandboxGatewayOptions {
  /** How a hanging token waits; tests pass one that does not wait in real time. */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Where customers reach the engine (PUBLIC_URL): a charge needing authentication links to the
   * sandbox's own authentication page there. Without it, such charges carry no link.
   */
  publicUrl?: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SandboxGateway implements PaymentGateway {
  readonly name = 'sandbox';

  /** Per idempotency key, how often this process has failed it on purpose. */
  private readonly injectedFailures: Record<string, number> = {};

  private readonly sleep: (ms: number) => Promise<void>;

  private readonly publicUrl: string | undefined;

  constructor(
    private readonly prisma: PrismaClient,
    options: SandboxGatewayOptions = {},
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.publicUrl = options.publicUrl?.replace(/\/$/, '');
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const hang = hangOf(request.paymentMethod);
    if (hang && this.failOnPurpose(request.idempotencyKey, hang.times)) await this.sleep(hang.ms);

    const unavailableTimes = countSuffix(request.paymentMethod, 'pm_card_unavailable_');
    if (unavailableTimes !== undefined && this.failOnPurpose(request.idempotencyKey, unavailableTimes)) {
      throw new GatewayUnavailableError(`sandbox gateway unavailable (${request.paymentMethod})`);
    }

    const recorded = await this.recordOnce(request);

    const lostTimes = countSuffix(request.paymentMethod, 'pm_card_lost_response_');
    if (lostTimes !== undefined && this.failOnPurpose(request.idempotencyKey, lostTimes)) {
      throw new GatewayUnavailableError(`sandbox gateway response lost after charging (${request.paymentMethod})`);
    }
    return recorded;
  }

  async chargeStatus(ref: ChargeRef): Promise<ChargeResult> {
    return this.toResult(await this.chargeRow(ref.chargeId));
  }

  async cancelCharge(ref: ChargeRef): Promise<FinalChargeResult> {
    const { declineCode } = PENDING_DECLINES.canceled!;
    await this.prisma.sandboxCharge.updateMany({ where: { chargeId: ref.chargeId, outcome: 'pending' }, data: { outcome: 'declined', declineCode } });
    return this.finalResult(await this.chargeRow(ref.chargeId));
  }

  /**
   * The sandbox's stand-in for the provider's callback: a pending charge ends as the customer (or
   * the wallet) decided. Only a pending charge moves; settling a final one answers it as it is.
   */
  async settle(chargeId: string, settlement?: SandboxSettlement): Promise<FinalChargeResult> {
    const row = await this.chargeRow(chargeId);
    const pending = PENDING_TOKENS[row.paymentMethod];
    if (row.outcome === 'pending' && pending) {
      const succeeds = (settlement ?? (row.paymentMethod === 'pm_async_fails' ? 'failed' : 'succeeded')) === 'succeeded';
      await this.prisma.sandboxCharge.updateMany({
        where: { chargeId, outcome: 'pending' },
        data: succeeds ? { outcome: 'succeeded' } : { outcome: 'declined', declineCode: pending.failure.declineCode },
      });
    }
    return this.finalResult(await this.chargeRow(chargeId));
  }

  async refund(request: RefundRequest): Promise<{ refundId: string }> {
    const refundId = `re_${request.idempotencyKey.replace(/[^A-Za-z0-9]/g, '_')}`;
    await this.prisma.sandboxRefund.createMany({
      data: [
        {
          idempotencyKey: request.idempotencyKey,
          refundId,
          chargeId: request.chargeId,
          amountCents: request.amountCents,
          currency: request.currency,
          createdAt: new Date(request.at),
        },
      ],
      skipDuplicates: true,
    });
    const stored = await this.prisma.sandboxRefund.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey } });
    refuseOtherParameters(request.idempotencyKey, stored, request, ['chargeId', 'amountCents', 'currency']);
    return { refundId: stored.refundId };
  }

  private async chargeRow(chargeId: string) {
    const row = await this.prisma.sandboxCharge.findUnique({ where: { chargeId } });
    if (!row) throw new GatewayRequestError(`the sandbox has no charge ${chargeId}`);
    return row;
  }

  private finalResult(row: SandboxChargeRow): FinalChargeResult {
    const result = this.toResult(row);
    if (result.outcome === 'pending') throw new Error(`sandbox charge ${row.chargeId} is still pending`);
    return result;
  }

  private toResult(row: SandboxChargeRow): ChargeResult {
    if (row.outcome === 'succeeded') return { outcome: 'succeeded', chargeId: row.chargeId };
    if (row.outcome === 'pending') {
      const reason = PENDING_TOKENS[row.paymentMethod]?.reason ?? 'processing';
      const actionUrl = reason === 'action_required' && this.publicUrl ? `${this.publicUrl}/sandbox/charges/${encodeURIComponent(row.chargeId)}` : null;
      return { outcome: 'pending', chargeId: row.chargeId, reason, actionUrl };
    }
    const decline =
      Object.values(DECLINES).find((d) => d.declineCode === row.declineCode) ??
      Object.values(PENDING_DECLINES).find((d) => d.declineCode === row.declineCode) ??
      DECLINES.pm_card_declined!;
    return { outcome: 'declined', chargeId: row.chargeId, ...decline };
  }

  private failOnPurpose(key: string, times: number): boolean {
    const failed = this.injectedFailures[key] ?? 0;
    if (failed >= times) return false;
    this.injectedFailures[key] = failed + 1;
    return true;
  }

  private async recordOnce(request: ChargeRequest): Promise<ChargeResult> {
    const existing = await this.prisma.sandboxCharge.findUnique({ where: { idempotencyKey: request.idempotencyKey } });
    if (existing) {
      refuseOtherParameters(request.idempotencyKey, existing, request, CHARGE_PARAMETERS);
      return this.toResult(existing);
    }
    const decline = await this.decide(request);
    const pending = PENDING_TOKENS[request.paymentMethod] !== undefined;
    const row = {
      idempotencyKey: request.idempotencyKey,
      chargeId: `ch_${request.idempotencyKey.replace(/[^A-Za-z0-9]/g, '_')}`,
      paymentMethod: request.paymentMethod,
      reference: request.reference,
      amountCents: request.amountCents,
      currency: request.currency,
      outcome: pending ? 'pending' : decline ? 'declined' : 'succeeded',
      declineCode: decline?.declineCode ?? null,
      createdAt: new Date(request.at),
    };
    // A concurrent duplicate loses the insert and reads the winner's result.
    await this.prisma.sandboxCharge.createMany({ data: [row], skipDuplicates: true });
    const stored = await this.prisma.sandboxCharge.findUniqueOrThrow({ where: { idempotencyKey: request.idempotencyKey } });
    refuseOtherParameters(request.idempotencyKey, stored, request, CHARGE_PARAMETERS);
    return this.toResult(stored);
  }

  private async decide(request: ChargeRequest): Promise<Decline | undefined> {
    const failFirst = countSuffix(request.paymentMethod, 'pm_card_fail_first_');
    if (failFirst !== undefined) {
      const earlier = await this.prisma.sandboxCharge.count({ where: { reference: request.reference } });
      return earlier < failFirst ? DECLINES.pm_card_insufficient_funds : undefined;
    }
    return DECLINES[request.paymentMethod];
  }
}

const CHARGE_PARAMETERS = ['amountCents', 'currency', 'paymentMethod', 'reference'] as const;

/**
 * A key replays the first request only if the parameters are the same, as real processors insist
 * (Stripe answers 400 `idempotency_key_in_use`): a key reused for another charge is a bug.
 */
function refuseOtherParameters<K extends string>(key: string, stored: Record<K, unknown>, request: Record<K, unknown>, parameters: readonly K[]): void {
  const differing = parameters.filter((name) => stored[name] !== request[name]);
  if (differing.length > 0) {
    throw new IdempotencyKeyReuseError(`idempotency key ${key} was first used with other ${differing.join(', ')}`);
  }
}

type SandboxChargeRow = { chargeId: string; paymentMethod: string; outcome: string; declineCode: string | null };
