// `npm run import -- <file.csv> [--api http://localhost:3000] [--key <api key>]`: imports the
// subscriptions of a spreadsheet (one per row, columns as README "Importing subscriptions") through
// the running API, 100 a request. Safe to run again on the same file: imported rows are skipped.
// The key: --key, else API_KEY, else .data/dev-api-key (the development key `npm start` creates).
// Exit codes: 0 imported, 2 the file or a row was refused (the message names the line), 1 otherwise.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CsvError, parseCsv } from '../importer/csv';
import { checkColumns, ImportRefused, importRows, type Post } from '../importer/import-rows';

const USAGE = 'usage: npm run import -- <file.csv> [--api http://localhost:3000] [--key <api key>]';

class UsageError extends Error {}

function options() {
  const { values, positionals } = parseArgs({ options: { api: { type: 'string' }, key: { type: 'string' } }, allowPositionals: true, strict: true });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('name one CSV file');
  const devKeyFile = path.resolve(__dirname, '..', '.data', 'dev-api-key');
  const key = values.key ?? process.env.API_KEY ?? (existsSync(devKeyFile) ? readFileSync(devKeyFile, 'utf8').trim() : undefined);
  if (!key) throw new UsageError('no API key: pass --key, set API_KEY, or run `npm start` once to create .data/dev-api-key');
  const api = (values.api ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  return { file, key, api };
}

function httpPost(api: string, key: string): Post {
  return async (target, body) => {
    const res = await fetch(`${api}${target}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      status: res.status,
      body: text && /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as unknown) : { detail: text },
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
    };
  };
}

/** The file being imported, to prefix messages about it. */
let importing = '';

async function main(): Promise<void> {
  const { file, key, api } = options();
  importing = `${file}: `;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const { header, rows } = parseCsv(text);
  checkColumns(header);
  console.error(`importing ${rows.length} subscriptions from ${file} through ${api}`);
  const done = await importRows(rows, httpPost(api, key), {
    onProgress: (progress) => console.error(`  ${progress.rows} of ${rows.length} rows`),
  });
  console.log(`${done.created} imported, ${done.existing} imported before, from ${done.rows} rows`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n${USAGE}`);
    else if (error instanceof CsvError || error instanceof ImportRefused) console.error(`${importing}${error.message}`);
    else console.error(error);
    process.exit(error instanceof UsageError || error instanceof CsvError || error instanceof ImportRefused ? 2 : 1);
  },
);

