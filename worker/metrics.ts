// The worker's own Prometheus metrics, recorded as activities run: how long each activity type
// takes, and every charge attempt's outcome as the gateway answers it.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { Counter, Histogram, Registry } from 'prom-client';
import type { ChargeResult } from '../domain/payments';

export interface WorkerMetrics {
  registry: Registry;
  activityDuration: Histogram<'activity_type' | 'outcome'>;
  charges: Counter<'outcome' | 'decline_type'>;
}

/** Database writes take milliseconds; a gateway call or an email can take seconds. */
const ACTIVITY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createWorkerMetrics(registry: Registry = new Registry()): WorkerMetrics {
  return {
    registry,
    activityDuration: new Histogram({
      name: 'activity_duration_seconds',
      help: 'Activity executions in this worker by activity type and outcome (completed or failed; a retry is a new execution)',
      labelNames: ['activity_type', 'outcome'] as const,
      buckets: ACTIVITY_BUCKETS,
      registers: [registry],
    }),
    charges: new Counter({
      name: 'worker_charges_total',
      help: 'Charge attempts this worker ran, by gateway answer (succeeded, declined; error = no answer, retried)',
      labelNames: ['outcome', 'decline_type'] as const,
      registers: [registry],
    }),
  };
}

function countCharge(metrics: WorkerMetrics, result: ChargeResult): void {
  metrics.charges.inc({ outcome: result.outcome, decline_type: result.outcome === 'declined' ? result.declineType : '' });
}

export function activityMetrics(metrics: WorkerMetrics): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      async execute(input, next) {
        const activityType = ctx.info.activityType;
        const stop = metrics.activityDuration.startTimer({ activity_type: activityType });
        try {
          const result = await next(input);
          stop({ outcome: 'completed' });
          if (activityType === 'chargeInvoice') countCharge(metrics, result as ChargeResult);
          return result;
        } catch (error) {
          stop({ outcome: 'failed' });
          if (activityType === 'chargeInvoice') metrics.charges.inc({ outcome: 'error', decline_type: '' });
          throw error;
        }
      },
    },
  });
}
