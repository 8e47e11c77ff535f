// Whether an error means the database cannot be reached right now (down, restarting, out of
// connections) rather than a bug or a bad request: the API answers those 503 with Retry-After,
// so clients retry instead of treating them as final.
import { Prisma } from '../prisma/generated/client';
import { inDatabaseErrorChain } from './database-error-chain';

/** Prisma's codes for an unreachable server, a dropped connection, timeouts, a full pool. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** @prisma/adapter-pg's kinds for the same (its driverAdapterError.cause.kind). */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** Socket errors of node-postgres' connections. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);
/** SQLSTATE: connection exceptions (class 08), shutting down or starting up, too many connections. */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
/** node-postgres reports a connection that died, or could not be made in time, by message only. */
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

function unavailableHere(error: object): boolean {
  if (error instanceof Prisma.PrismaClientInitializationError) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError && PRISMA_CODES.has(error.code)) return true;
  const { code, kind, message } = error as { code?: unknown; kind?: unknown; message?: unknown };
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATE.test(code))) return true;
  return typeof message === 'string' && PG_MESSAGES.test(message);
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return inDatabaseErrorChain(error, unavailableHere);
}
