/** A command the lifecycle rules refuse in the current state (HTTP 409). */
export class CommandRefusedError extends Error {
  override readonly name = 'CommandRefusedError';
}
