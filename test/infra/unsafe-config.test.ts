// Outside development, a missing, published or short LINK_SIGNING_SECRET stops the process before
// it connects to anything (anyone who read this repository could forge customer links with it).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { loadConfig } from '../../infra/config';
import { DEVELOPMENT_LINK_SECRET } from '../../infra/secrets';

const base = { DATABASE_URL: 'postgresql://localhost/x' };
/** A real seller, as production must configure one. */
const SELLER = {
  SELLER_LEGAL_NAME: 'Fjordlys Programvare AS',
  SELLER_ORGANIZATION_NUMBER: '923 609 016',
  SELLER_VAT_REGISTERED: 'true',
  SELLER_ADDRESS: 'Dronning Eufemias gate 16',
  SELLER_POSTAL_CODE: '0191',
  SELLER_CITY: 'Oslo',
  SELLER_COUNTRY: 'NO',
  SELLER_BANK_ACCOUNT: '8601.11.17947',
};
const strong = 'a'.repeat(8) + 'f00dfeed'.repeat(4);

test('development keeps its published default secret', () => {
  expect(loadConfig(base).LINK_SIGNING_SECRET).toBe(DEVELOPMENT_LINK_SECRET);
  expect(loadConfig({ ...base, NODE_ENV: 'test' }).LINK_SIGNING_SECRET).toBe(DEVELOPMENT_LINK_SECRET);
  expect(loadConfig({ ...base, APP_ENV: 'development' }).LINK_SIGNING_SECRET).toBe(DEVELOPMENT_LINK_SECRET);
});

test.each([
  ['missing', undefined, /LINK_SIGNING_SECRET: must be set outside development; generate one with `openssl rand -hex 32`/],
  ['empty (an unset variable passed through by docker-compose)', '', /LINK_SIGNING_SECRET: must be set outside development/],
  ['the development default', DEVELOPMENT_LINK_SECRET, /LINK_SIGNING_SECRET: is a published development value/],
  ['the test harness value', 'test-link-signing-secret', /LINK_SIGNING_SECRET: is a published development value/],
  ['shorter than 32 characters', 'x'.repeat(31), /LINK_SIGNING_SECRET: must be at least 32 characters; generate one with `openssl rand -hex 32`/],
])('production refuses a secret that is %s', (_case, secret, message) => {
  const env = { ...base, ...(secret === undefined ? {} : { LINK_SIGNING_SECRET: secret }) };
  expect(() => loadConfig({ ...env, NODE_ENV: 'production' })).toThrow(message);
  // A named deployment is not development either, whatever NODE_ENV says.
  expect(() => loadConfig({ ...env, APP_ENV: 'staging' })).toThrow(message);
  expect(() => loadConfig({ ...env, NODE_ENV: 'production', APP_ENV: 'development' })).toThrow(message);
});

test('production accepts a long random secret', () => {
  expect(loadConfig({ ...base, ...SELLER, NODE_ENV: 'production', LINK_SIGNING_SECRET: strong }).LINK_SIGNING_SECRET).toBe(strong);
});

test('production needs a seller: without one, every missing field is named', () => {
  const attempt = () => loadConfig({ ...base, NODE_ENV: 'production', LINK_SIGNING_SECRET: strong });
  expect(attempt).toThrow(/SELLER_LEGAL_NAME: .*\n.*SELLER_ORGANIZATION_NUMBER/s);
  expect(attempt).toThrow(/SELLER_BANK_ACCOUNT/);
});

test('a seller with a wrong check digit or bank account stops the process, naming the variable', () => {
  const env = { ...base, ...SELLER, NODE_ENV: 'production', LINK_SIGNING_SECRET: strong };
  expect(() => loadConfig({ ...env, SELLER_ORGANIZATION_NUMBER: '923609017' })).toThrow(/SELLER_ORGANIZATION_NUMBER: is not a Norwegian organisation number/);
  expect(() => loadConfig({ ...env, SELLER_BANK_ACCOUNT: '86011117948' })).toThrow(/SELLER_BANK_ACCOUNT: /);
  expect(() => loadConfig({ ...env, SELLER_COUNTRY: 'US' })).toThrow(/SELLER_COUNTRY: must be Norway or an EU member state/);
});

test('the configured seller is what invoices are issued by, with its address lines and formatted numbers cleaned', () => {
  const { seller } = loadConfig({ ...base, ...SELLER, SELLER_ADDRESS: 'Dronning Eufemias gate 16|3. etasje', NODE_ENV: 'production', LINK_SIGNING_SECRET: strong });
  expect(seller).toMatchObject({
    legalName: 'Fjordlys Programvare AS',
    organizationNumber: '923609016',
    vatRegistered: true,
    address: { lines: ['Dronning Eufemias gate 16', '3. etasje'], postalCode: '0191', city: 'Oslo', country: 'NO' },
    bankAccount: '86011117947',
    paymentTermsDays: 14,
    language: 'nb',
  });
});

test.each(['api/index.ts', 'worker/index.ts'])('%s with NODE_ENV=production and the default secret exits non-zero, naming the variable', async (entry) => {
  const root = path.resolve(__dirname, '../..');
  // Nothing listens on port 1: had the process tried to connect, it would fail differently (or hang).
  const env = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: 'postgresql://127.0.0.1:1/x', TEMPORAL_ADDRESS: '127.0.0.1:1', LINK_SIGNING_SECRET: DEVELOPMENT_LINK_SECRET };
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', entry], { cwd: root, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, output: stdout + stderr });
    });
  });
  expect(result.output).toContain('LINK_SIGNING_SECRET: is a published development value, not a secret; generate one with `openssl rand -hex 32`');
  expect(result.code).toBe(1);
});
