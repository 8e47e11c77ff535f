// Secrets that must be real outside development. A default or published value lets anyone who has
// read this repository forge what the secret signs (customer links), so such a process refuses to start.

/** Signs customer links under `npm start`; published here, so useless as a secret anywhere else. */
export const DEVELOPMENT_LINK_SECRET = 'development-only-link-secret';

/** Values that appear in this repository (dev default, test harness, docs): never a production secret. */
export const WELL_KNOWN_SECRETS: readonly string[] = [DEVELOPMENT_LINK_SECRET, 'test-link-signing-secret', 'changeme', 'secret'];

/** 32 characters: what `openssl rand -hex 16` gives at least; `-hex 32` is what we recommend. */
export const MIN_SECRET_LENGTH = 32;

const HOW_TO_GENERATE = 'generate one with `openssl rand -hex 32`';

/** Why `value` cannot sign anything outside development, or undefined when it can. */
export function unsafeSecretReason(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return `must be set outside development; ${HOW_TO_GENERATE}`;
  if (WELL_KNOWN_SECRETS.includes(value)) return `is a published development value, not a secret; ${HOW_TO_GENERATE}`;
  if (value.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters; ${HOW_TO_GENERATE}`;
  return undefined;
}
