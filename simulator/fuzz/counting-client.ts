// The API's Temporal client, counting the updates and signals it sends: the fuzz holds a workflow's
// worker back until the commands it sends at one instant have all reached Temporal.
import type { Client, WorkflowHandle } from '@temporalio/client';

const COUNTED = new Set(['executeUpdate', 'startUpdate', 'signal']);

export function countingClient(client: Client): { client: Client; calls: () => number } {
  let calls = 0;
  const countCalls = (handle: WorkflowHandle): WorkflowHandle =>
    new Proxy(handle, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof property !== 'string' || !COUNTED.has(property) || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const workflow = new Proxy(client.workflow, {
    get(target, property, receiver) {
      if (property !== 'getHandle') return Reflect.get(target, property, receiver);
      return (...args: Parameters<Client['workflow']['getHandle']>) => countCalls(target.getHandle(...args));
    },
  });
  return {
    client: new Proxy(client, { get: (target, property, receiver) => (property === 'workflow' ? workflow : Reflect.get(target, property, receiver)) }),
    calls: () => calls,
  };
}
