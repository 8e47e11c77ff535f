// A sign-up's rows in one statement: the customer (new, or the one its email already names) and
// the subscription's placeholder row. One round trip instead of a read, an upsert and an insert,
// and no query for Prisma to compile on the path every sign-up takes.
import type { Customer, PrismaClient } from '../../prisma/generated/client';
import { Prisma } from '../../prisma/generated/client';
import type { PendingStart } from './sign-up-starts';

export interface SignUpRows {
  /** What the sign-up needs of the customer: who it is, and the billing profile it already has. */
  customer: Pick<Customer, 'id' | 'email' | 'name' | 'billingProfile' | 'billingProfileVersion'>;
  /** Whether this request wrote the subscription's row (false: a repeat found it there). */
  inserted: boolean;
}

export interface SignUpRowsInput {
  /** The id a new customer gets; an existing customer with the email keeps its own. */
  customerId: string;
  email: string;
  name: string | null;
  subscriptionId: string;
  workflowId: string;
  planCode: string;
  paymentMethod: string;
  /**
   * An asynchronous sign-up's workflow input, for the outbox (api/services/sign-up-starts.ts):
   * written in the same statement as the subscription's row, so neither is ever without the other.
   * Also on a repeat, in case its workflow was never started; a start of one already started is harmless.
   */
  pendingStart?: PendingStart;
}

/**
 * Null when the customer's row is not in this statement's snapshot: another request inserted the
 * email after the statement began. The caller then takes the slower path, which reads it.
 */
export async function insertSignUpRows(prisma: PrismaClient, input: SignUpRowsInput): Promise<SignUpRows | null> {
  // A data-modifying CTE cannot see rows another CTE of the statement inserted, except through
  // its RETURNING: hence the union of the inserted customer and the one already there.
  const rows = await prisma.$queryRaw<Array<SignUpRows['customer'] & { inserted: number }>>`
    WITH new_customer AS (
      INSERT INTO "Customer" ("id", "email", "name", "updatedAt")
      VALUES (${input.customerId}, ${input.email}, ${input.name}, now())
      ON CONFLICT ("email") DO NOTHING
      RETURNING "id", "email", "name", "billingProfile", "billingProfileVersion"
    ), customer AS (
      SELECT * FROM new_customer
      UNION ALL
      SELECT "id", "email", "name", "billingProfile", "billingProfileVersion" FROM "Customer" WHERE "email" = ${input.email} AND NOT EXISTS (SELECT 1 FROM new_customer)
    ), subscription AS (
      INSERT INTO "Subscription" ("id", "workflowId", "customerId", "planCode", "status", "paymentMethod", "updatedAt")
      SELECT ${input.subscriptionId}, ${input.workflowId}, "id", ${input.planCode}, 'incomplete'::"SubscriptionStatus", ${input.paymentMethod}, now() FROM customer
      ON CONFLICT ("id") DO NOTHING
      RETURNING "id"
    )${input.pendingStart ? pendingStartInsert(input.subscriptionId, input.pendingStart) : Prisma.empty}
    SELECT "id", "email", "name", "billingProfile", "billingProfileVersion", (SELECT count(*) FROM subscription)::int AS "inserted" FROM customer`;
  const [row] = rows;
  if (!row) return null;
  const { inserted, ...customer } = row;
  return { customer, inserted: inserted === 1 };
}

/** The outbox row, as one more data-modifying CTE: after the subscription's, whose row it references. */
function pendingStartInsert(subscriptionId: string, start: PendingStart): Prisma.Sql {
  return Prisma.sql`, pending_start AS (
      INSERT INTO "SignUpStart" ("subscriptionId", "start")
      SELECT ${subscriptionId}, ${JSON.stringify(start)}::jsonb FROM customer
      ON CONFLICT ("subscriptionId") DO NOTHING
    )`;
}

/** The outbox row alone, for a sign-up whose subscription row was written another way. */
export function insertPendingStart(prisma: PrismaClient, subscriptionId: string, start: PendingStart): Prisma.PrismaPromise<number> {
  return prisma.$executeRaw`
    INSERT INTO "SignUpStart" ("subscriptionId", "start") VALUES (${subscriptionId}, ${JSON.stringify(start)}::jsonb)
    ON CONFLICT ("subscriptionId") DO NOTHING`;
}

/** What a sign-up must not contradict: a subscription already under its id, a customer already under its email. */
export interface SignUpPriors {
  existing: { planCode: string; paymentMethod: string; customerId: string; customerEmail: string } | null;
  /** The id of the customer the email already belongs to. */
  emailOwner: string | null;
}

/** Both in one raw statement: every sign-up reads them before its answer. */
export async function readSignUpPriors(prisma: PrismaClient, subscriptionId: string, email: string): Promise<SignUpPriors> {
  const [row] = await prisma.$queryRaw<Array<{ planCode: string | null; paymentMethod: string | null; customerId: string | null; customerEmail: string | null; emailOwner: string | null }>>`
    SELECT s."planCode", s."paymentMethod", c."id" AS "customerId", c."email" AS "customerEmail",
      (SELECT "id" FROM "Customer" WHERE "email" = ${email}) AS "emailOwner"
    FROM (SELECT 1) AS one
    LEFT JOIN "Subscription" s ON s."id" = ${subscriptionId}
    LEFT JOIN "Customer" c ON c."id" = s."customerId"`;
  const existing =
    row?.planCode != null && row.paymentMethod != null && row.customerId != null && row.customerEmail != null
      ? { planCode: row.planCode, paymentMethod: row.paymentMethod, customerId: row.customerId, customerEmail: row.customerEmail }
      : null;
  return { existing, emailOwner: row?.emailOwner ?? null };
}
