// Runs one lifecycle step at a time: update handlers and the workflow's own timers interleave
// at every await, and a step must see the state the previous one left.
import { condition } from '@temporalio/workflow';

export class Lock {
  private held = false;

  async run<T>(step: () => Promise<T>): Promise<T> {
    await condition(() => !this.held);
    this.held = true;
    try {
      return await step();
    } finally {
      this.held = false;
    }
  }
}
