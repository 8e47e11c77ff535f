// Registers the engine's namespace on a Temporal server that does not create it by itself (the
// real server; the dev server creates `--namespace` at start). Idempotent.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

const GRPC_ALREADY_EXISTS = 6;
const GRPC_NOT_FOUND = 5;
// How long closed workflows stay visible (and their histories kept).
const RETENTION = '30 days';

/** True when it registered the namespace, false when it was there already. */
export async function ensureNamespace(connection: Connection, namespace: string, timeoutMs = 30_000): Promise<boolean> {
  let registered = false;
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION) });
    registered = true;
  } catch (error) {
    if ((error as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw error;
  }
  // The services learn of a new namespace on their next cache refresh: wait until it answers.
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return registered;
    } catch (error) {
      if ((error as { code?: number }).code !== GRPC_NOT_FOUND || Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}
