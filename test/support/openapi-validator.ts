// Validates an OpenAPI document with @seriousme/openapi-schema-validator (the official OpenAPI JSON
// schemas, checked with ajv). The package is ESM-only and Jest runs tests as CommonJS, so it runs in
// a child Node process, through its own CLI.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const CLI = require.resolve('@seriousme/openapi-schema-validator/bin/validate-api-cli.js');

export async function validateOpenApi(document: unknown): Promise<{ valid: boolean; errors?: unknown }> {
  const dir = await mkdtemp(join(tmpdir(), 'openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    await writeFile(file, JSON.stringify(document));
    // The CLI exits non-zero for an invalid document; its verdict is on stdout either way.
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, file]).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    return JSON.parse(stdout) as { valid: boolean; errors?: unknown };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
