// Sends the rows of a spreadsheet to POST /subscriptions/imports, 100 a request, and explains a
// refusal by the file's line numbers and column names. The endpoint is idempotent on the ids, so
// after a fix (or a crash, or a timeout) the same file can simply be imported again: rows already
// imported are counted as such and nothing is written twice.
import { setTimeout as delay } from 'node:timers/promises';
import { BILLING_PROFILE_COLUMNS, billingProfileOf, billingProfileProblems, profileColumnOf } from './billing-profile';
import type { CsvRow } from './csv';
import { CsvError } from './csv';

export const REQUIRED_COLUMNS = ['id', 'email', 'plan', 'paymentMethod', 'currentPeriodEnd'] as const;
export const OPTIONAL_COLUMNS = ['name', 'customerId', 'timeZone', ...BILLING_PROFILE_COLUMNS] as const;
/** The API's limit per request (MAX_IMPORT_BATCH). */
export const BATCH_SIZE = 100;

/** One request to the API: a path, a JSON body, and the answer (a thrown error: the request never got one). */
export type Post = (path: string, body: unknown) => Promise<{ status: number; body: unknown; retryAfterSeconds?: number }>;

export interface ImportProgress {
  rows: number;
  created: number;
  existing: number;
}

export class ImportRefused extends Error {
  override readonly name = 'ImportRefused';
}

/** The API's names for the item fields, back to the file's columns. */
const COLUMN_OF_FIELD: Record<string, string> = { 'customer.email': 'email', 'customer.name': 'name', 'customer.id': 'customerId' };

export function checkColumns(header: readonly string[]): void {
  const known: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  const unknown = header.filter((column) => !known.includes(column));
  const problems = [
    ...(missing.length > 0 ? [`missing column(s) ${missing.join(', ')}`] : []),
    ...(unknown.length > 0 ? [`unknown column(s) ${unknown.join(', ')} (the columns are ${known.join(', ')})`] : []),
  ];
  if (problems.length > 0) throw new CsvError(`line 1: ${problems.join('; ')}`);
}

/** Every row's problems the API would refuse it for, found before anything is sent. */
export function checkRows(rows: readonly CsvRow[]): void {
  const problems = rows.flatMap(billingProfileProblems);
  if (problems.length > 0) throw new CsvError(`${problems.join('\n')}\nNothing was imported.`);
}

function item(row: CsvRow) {
  const { values } = row;
  const billingProfile = billingProfileOf(row);
  return {
    id: values.id,
    customer: {
      email: values.email,
      ...(values.name ? { name: values.name } : {}),
      ...(values.customerId ? { id: values.customerId } : {}),
      ...(billingProfile ? { billingProfile } : {}),
    },
    plan: values.plan,
    paymentMethod: values.paymentMethod,
    currentPeriodEnd: values.currentPeriodEnd,
    ...(values.timeZone ? { timeZone: values.timeZone } : {}),
  };
}

/** A refusal of one batch, told in the file's terms: `subscriptions.3.plan` → `line 12, plan`. */
function refusal(batch: readonly CsvRow[], status: number, body: unknown): ImportRefused {
  const answer = (body ?? {}) as { detail?: string; errors?: Array<{ field: string; message: string }> };
  const lineOf = (index: string) => batch[Number(index)]?.line ?? '?';
  const messages = answer.errors?.length
    ? answer.errors.map(({ field, message }) => {
        const match = /^subscriptions\.(\d+)\.(.+)$/.exec(field);
        return match ? `line ${lineOf(match[1]!)}, ${COLUMN_OF_FIELD[match[2]!] ?? profileColumnOf(match[2]!) ?? match[2]}: ${message}` : `${field}: ${message}`;
      })
    : [(answer.detail ?? `the API answered ${status}`).replace(/subscriptions\.(\d+)/g, (_, index: string) => `line ${lineOf(index)}`)];
  const first = batch[0]?.line;
  const last = batch.at(-1)?.line;
  const lines = first === last ? `line ${first}` : `lines ${first}–${last}`;
  return new ImportRefused(
    `${messages.join('\n')}\nNothing from ${lines} was imported${first && first > 2 ? '; the rows before were' : ''}. ` +
      'Fix the file and run the import again: rows already imported are skipped.',
  );
}

const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

/** Posts one batch, retrying what a later attempt can fix (the request is idempotent). */
async function send(post: Post, batch: readonly CsvRow[], options: { attempts: number; sleep: (ms: number) => Promise<void> }) {
  for (let attempt = 1; ; attempt += 1) {
    let answer: Awaited<ReturnType<Post>>;
    try {
      answer = await post('/subscriptions/imports', { subscriptions: batch.map(item) });
    } catch (error) {
      if (attempt >= options.attempts) throw error;
      await options.sleep(1000 * 2 ** (attempt - 1));
      continue;
    }
    if (answer.status < 300) return answer.body as { created: number; existing: number };
    if (!TRANSIENT.has(answer.status) || attempt >= options.attempts) throw refusal(batch, answer.status, answer.body);
    await options.sleep(1000 * (answer.retryAfterSeconds ?? 2 ** (attempt - 1)));
  }
}

export async function importRows(
  rows: readonly CsvRow[],
  post: Post,
  options: { onProgress?: (progress: ImportProgress) => void; attempts?: number; sleep?: (ms: number) => Promise<void> } = {},
): Promise<ImportProgress> {
  checkRows(rows);
  const progress: ImportProgress = { rows: 0, created: 0, existing: 0 };
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  for (let first = 0; first < rows.length; first += BATCH_SIZE) {
    const batch = rows.slice(first, first + BATCH_SIZE);
    const answer = await send(post, batch, { attempts: options.attempts ?? 5, sleep });
    progress.rows += batch.length;
    progress.created += answer.created;
    progress.existing += answer.existing;
    options.onProgress?.({ ...progress });
  }
  return progress;
}
