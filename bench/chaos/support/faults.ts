// Faults the chaos worker injects, read from its environment. None of this is product code: the
// product's gateway, mailer and activities are wrapped here, in the chaos worker process only.
//
//   CHAOS_KILL_AT     before-gateway | after-gateway | after-write: the worker kills itself with
//                     SIGKILL (as `kill -9`) when a charge reaches that point…
//   CHAOS_KILL_AFTER  …for the Nth time (default 1).
//   CHAOS_BREAK       breaks one guarantee on purpose, to show that its scenario notices:
//                       idempotency  every gateway call gets a fresh idempotency key
//                       email-retry  a failed send is swallowed, as by fire-and-forget mail code
//                       no-retry     any activity failure is final (no retry after an outage)
//                     (the runner itself handles the others in BREAK_SCENARIOS: temporal-state
//                     restarts Temporal on an empty database, no-drain stops processes with
//                     SIGKILL instead of SIGTERM)
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Mailer } from '../../../emails/mailer';
import type { PaymentGateway } from '../../../gateway/payment-gateway';

export const KILL_POINTS = ['before-gateway', 'after-gateway', 'after-write'] as const;
export type KillPoint = (typeof KILL_POINTS)[number];
export const BREAKS = ['idempotency', 'email-retry', 'no-retry'] as const;
export type Break = (typeof BREAKS)[number];

/** Every break switch and the scenarios that must notice it. */
export const BREAK_SCENARIOS: Record<string, number[]> = {
  idempotency: [1, 5, 7],
  'temporal-state': [2, 8],
  'no-retry': [3],
  'email-retry': [4],
  'no-drain': [6],
};

export const isWorkerBreak = (name: string | undefined): name is Break => BREAKS.includes(name as Break);

export interface Faults {
  killAt?: KillPoint;
  killAfter: number;
  broken?: Break;
}

function oneOf<T extends string>(name: string, allowed: readonly T[], raw: string | undefined): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!allowed.includes(raw as T)) throw new Error(`${name} must be one of ${allowed.join(', ')}; got "${raw}"`);
  return raw as T;
}

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): Faults {
  return {
    killAt: oneOf('CHAOS_KILL_AT', KILL_POINTS, env.CHAOS_KILL_AT),
    killAfter: Math.max(1, Number(env.CHAOS_KILL_AFTER ?? 1) || 1),
    broken: oneOf('CHAOS_BREAK', BREAKS, env.CHAOS_BREAK),
  };
}

/** Calls `reached(point)` at each kill point; the Nth time at the configured one is the last. */
export function killSwitch(faults: Faults): (point: KillPoint, detail: string) => void {
  let remaining = faults.killAfter;
  return (point, detail) => {
    if (point !== faults.killAt || --remaining > 0) return;
    // The runner reads this line to know where the process died.
    process.stdout.write(`chaos: SIGKILL at ${point} (${detail})\n`);
    process.kill(process.pid, 'SIGKILL');
  };
}

export function faultyGateway(inner: PaymentGateway, faults: Faults, reached: ReturnType<typeof killSwitch>): PaymentGateway {
  return {
    async charge(request) {
      reached('before-gateway', request.idempotencyKey);
      const key = faults.broken === 'idempotency' ? `${request.idempotencyKey}/${randomUUID()}` : request.idempotencyKey;
      const result = await inner.charge({ ...request, idempotencyKey: key });
      reached('after-gateway', request.idempotencyKey);
      return result;
    },
    refund: (request) => inner.refund(request),
    name: inner.name,
    chargeStatus: (ref) => inner.chargeStatus(ref),
    cancelCharge: (ref) => inner.cancelCharge(ref),
  };
}

export function faultyMailer(inner: Mailer, faults: Faults): Mailer {
  if (faults.broken !== 'email-retry') return inner;
  return {
    destination: inner.destination,
    async send(email) {
      await inner.send(email).catch(() => undefined);
    },
  };
}

/** After-write kills (the charge is recorded, Temporal not yet told) and the no-retry break. */
export function faultInterceptor(faults: Faults, reached: ReturnType<typeof killSwitch>): ActivityInterceptorsFactory {
  return () => ({
    inbound: {
      async execute(input, next) {
        const { activityType } = Context.current().info;
        try {
          const result = await next(input);
          if (activityType === 'chargeInvoice') reached('after-write', (input.args[0] as { idempotencyKey: string }).idempotencyKey);
          return result;
        } catch (error) {
          if (faults.broken !== 'no-retry') throw error;
          throw ApplicationFailure.nonRetryable(`chaos no-retry: ${String(error)}`, 'ChaosNoRetry');
        }
      },
    },
  });
}
