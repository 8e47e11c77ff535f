// PAYMENT_GATEWAY picks the gateway; Stripe's keys are checked at startup and never logged.
import { createGateway, createHostedElement } from '../../gateway';
import { loadConfig } from '../../infra/config';
import { createLogger } from '../../infra/logger';
import { createTestDatabase, type TestDatabase } from '../support/database';

const base = { DATABASE_URL: 'postgresql://localhost/x' };
const SECRET_KEY = 'sk_test_51NeverLoggedKey0000';
const WEBHOOK_SECRET = 'whsec_neverLoggedEither0000';
const stripe = { PAYMENT_GATEWAY: 'stripe', STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

test('the sandbox is the default gateway, and needs no Stripe keys', () => {
  const config = loadConfig(base);
  expect(config.PAYMENT_GATEWAY).toBe('sandbox');
  expect(createGateway(config, db.prisma).name).toBe('sandbox');
  // docker-compose passes unset variables through as empty strings.
  expect(loadConfig({ ...base, PAYMENT_GATEWAY: '', STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '', STRIPE_API_BASE: '' }).PAYMENT_GATEWAY).toBe('sandbox');
});

test('PAYMENT_GATEWAY=stripe without its keys stops the process, naming each missing variable', () => {
  const attempt = () => loadConfig({ ...base, PAYMENT_GATEWAY: 'stripe' });
  expect(attempt).toThrow(/STRIPE_SECRET_KEY: is required when PAYMENT_GATEWAY=stripe/);
  expect(attempt).toThrow(/STRIPE_WEBHOOK_SECRET: is required when PAYMENT_GATEWAY=stripe/);
  expect(() => loadConfig({ ...base, ...stripe, STRIPE_WEBHOOK_SECRET: '' })).toThrow(/STRIPE_WEBHOOK_SECRET: is required/);
});

test('a value that is not a Stripe key is refused without being repeated', () => {
  const publishable = 'pk_test_51PublishableNotSecret';
  let message = '';
  try {
    loadConfig({ ...base, ...stripe, STRIPE_SECRET_KEY: publishable, STRIPE_WEBHOOK_SECRET: 'not-a-signing-secret' });
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).toMatch(/STRIPE_SECRET_KEY: must be a Stripe secret key \(sk_…\) or restricted key \(rk_…\)/);
  expect(message).toMatch(/STRIPE_WEBHOOK_SECRET: must be a Stripe webhook signing secret \(whsec_…\)/);
  expect(message).not.toContain(publishable);
  expect(message).not.toContain('not-a-signing-secret');
});

test('restricted keys and test keys are accepted, in production too', () => {
  const seller = {
    SELLER_LEGAL_NAME: 'Fjordlys Programvare AS',
    SELLER_ORGANIZATION_NUMBER: '923609016',
    SELLER_VAT_REGISTERED: 'true',
    SELLER_ADDRESS: 'Dronning Eufemias gate 16',
    SELLER_POSTAL_CODE: '0191',
    SELLER_CITY: 'Oslo',
    SELLER_COUNTRY: 'NO',
    SELLER_BANK_ACCOUNT: '86011117947',
  };
  const production = { ...base, ...seller, NODE_ENV: 'production', LINK_SIGNING_SECRET: 'f00dfeed'.repeat(5) };
  expect(loadConfig({ ...production, ...stripe }).STRIPE_SECRET_KEY).toBe(SECRET_KEY);
  expect(loadConfig({ ...base, ...stripe, STRIPE_SECRET_KEY: 'rk_live_51Restricted' }).STRIPE_SECRET_KEY).toBe('rk_live_51Restricted');
});

test('STRIPE_API_BASE is a protocol, host and port: the gateway sends its requests there', () => {
  expect(() => loadConfig({ ...base, ...stripe, STRIPE_API_BASE: 'http://localhost:12111/v1' })).toThrow(/STRIPE_API_BASE: must be http\(s\):\/\/host\[:port\] with no path/);
  expect(() => loadConfig({ ...base, ...stripe, STRIPE_API_BASE: 'ftp://localhost' })).toThrow(/STRIPE_API_BASE/);
  const config = loadConfig({ ...base, ...stripe, STRIPE_API_BASE: 'http://localhost:12111' });
  expect(createGateway(config, db.prisma).name).toBe('stripe');
});

test('STRIPE_PUBLISHABLE_KEY turns on the hosted element with the Stripe gateway only, and must be a publishable key of the secret key’s mode', () => {
  const publishable = 'pk_test_51PublishableKey0000';
  expect(createHostedElement(loadConfig({ ...base, ...stripe, STRIPE_PUBLISHABLE_KEY: publishable }), db.prisma)).toMatchObject({ publishableKey: publishable });
  expect(createHostedElement(loadConfig({ ...base, ...stripe, STRIPE_PUBLISHABLE_KEY: '' }), db.prisma)).toBeUndefined();
  // The sandbox keeps its token field whatever the key.
  expect(createHostedElement(loadConfig({ ...base, STRIPE_PUBLISHABLE_KEY: publishable }), db.prisma)).toBeUndefined();
  expect(() => loadConfig({ ...base, ...stripe, STRIPE_PUBLISHABLE_KEY: SECRET_KEY })).toThrow(/STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key \(pk_test_… or pk_live_…\)/);
  expect(() => loadConfig({ ...base, ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_live_51PublishableKey0000' })).toThrow(/STRIPE_PUBLISHABLE_KEY: must be of the same mode \(test or live\) as STRIPE_SECRET_KEY/);
  expect(loadConfig({ ...base, ...stripe, STRIPE_SECRET_KEY: 'rk_live_51Restricted', STRIPE_PUBLISHABLE_KEY: 'pk_live_51PublishableKey0000' }).STRIPE_PUBLISHABLE_KEY).toBe('pk_live_51PublishableKey0000');
});

test('the keys never reach a log line, whether the configuration is logged whole or under a key', () => {
  const config = loadConfig({ ...base, ...stripe });
  const lines: string[] = [];
  const logger = createLogger({ service: 'worker', level: 'info', destination: { write: (line: string) => lines.push(line) } });
  logger.info(config, 'configuration');
  logger.info({ config }, 'configuration');
  expect(lines).toHaveLength(2);
  for (const line of lines) {
    expect(line).not.toContain(SECRET_KEY);
    expect(line).not.toContain(WEBHOOK_SECRET);
    expect(line).toContain('"PAYMENT_GATEWAY":"stripe"');
  }
});
