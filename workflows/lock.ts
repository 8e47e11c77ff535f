// Runs one lifecycle step at a time: update handlers, signals and the workflow's own timers
// interleave at every await, and a step must see the state the previous one left. A FIFO mutex
// (as Temporal's safe-message-handlers sample): a flag guarded by `condition(() => !held)` would
// release every waiter of an activation at once.
import { Mutex } from 'async-mutex';

export class Lock {
  private readonly mutex = new Mutex();

  run<T>(step: () => Promise<T>): Promise<T> {
    return this.mutex.runExclusive(step);
  }
}
