// Adds subscriptionId and, for activities about an invoice, invoiceNumber to every log line of an
// activity (its own `log` calls and the SDK's "Activity completed/failed" lines), without each
// activity having to pass them.
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { subscriptionIdOf } from './logging';

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * The invoice an activity works on, from its first argument: `invoiceNumber` (charge, status,
 * refund), an email's `content.invoiceNumber`, or the draft's `number` when issuing it (`{ draft }`).
 */
export function invoiceNumberOf(activityType: string, args: readonly unknown[]): string | undefined {
  const [input] = args;
  const candidates = [field(input, 'invoiceNumber'), field(field(input, 'content'), 'invoiceNumber')];
  if (activityType === 'issueInvoice') candidates.push(field(field(input, 'draft'), 'number'));
  return candidates.find((value): value is string => typeof value === 'string');
}

export const activityLogContext: ActivityInterceptorsFactory = (ctx) => {
  const subscriptionId = subscriptionIdOf(ctx.info.workflowExecution?.workflowId);
  const attributes: Record<string, string> = subscriptionId ? { subscriptionId } : {};
  return {
    inbound: {
      execute(input, next) {
        const invoiceNumber = invoiceNumberOf(ctx.info.activityType, input.args);
        if (invoiceNumber) attributes.invoiceNumber = invoiceNumber;
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(input, next) {
        return next({ ...input, ...attributes });
      },
    },
  };
};
