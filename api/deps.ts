import type { Client } from '@temporalio/client';
import type { PrismaClient } from '../prisma/generated/client';

/** Long-lived dependencies shared by all requests (one Temporal connection, one DB pool). */
export interface ApiDeps {
  prisma: PrismaClient;
  temporal: Client;
  taskQueue: string;
  /** Reports errors that became 5xx answers. */
  onUnexpectedError?: (error: unknown) => void;
}
