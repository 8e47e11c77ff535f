import { signWebhook, verifyWebhookSignature } from '../../infra/webhook-signature';

const secret = 'whsec_test_secret';
const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', createdAt: '2030-01-01T00:00:00.000Z', data: { invoice: { amountCents: 2900 } } });
const sentAt = new Date('2030-01-01T00:00:05.000Z');

test('a signature made at sending verifies against the exact body, as a string or as bytes', () => {
  const header = signWebhook(secret, body, sentAt);
  expect(header).toMatch(/^t=1893456005,v1=[0-9a-f]{64}$/);
  expect(verifyWebhookSignature(secret, header, body, 300, sentAt)).toBe(true);
  expect(verifyWebhookSignature(secret, header, Buffer.from(body), 300, new Date(sentAt.getTime() + 299_000))).toBe(true);
});

test('a tampered body does not verify', () => {
  const header = signWebhook(secret, body, sentAt);
  expect(verifyWebhookSignature(secret, header, body.replace('2900', '29'), 300, sentAt)).toBe(false);
  // Re-serialising parsed JSON is not the raw body either (whitespace differs).
  expect(verifyWebhookSignature(secret, header, JSON.stringify(JSON.parse(body), null, 2), 300, sentAt)).toBe(false);
});

test('a signature made with another secret does not verify', () => {
  expect(verifyWebhookSignature(secret, signWebhook('whsec_other', body, sentAt), body, 300, sentAt)).toBe(false);
});

test('a signature older (or newer) than the tolerance does not verify: a captured request cannot be replayed', () => {
  const header = signWebhook(secret, body, sentAt);
  expect(verifyWebhookSignature(secret, header, body, 300, new Date(sentAt.getTime() + 301_000))).toBe(false);
  expect(verifyWebhookSignature(secret, header, body, 300, new Date(sentAt.getTime() - 301_000))).toBe(false);
});

test('a re-dated timestamp does not verify: the timestamp is signed with the body', () => {
  const header = signWebhook(secret, body, sentAt);
  const redated = header.replace(/^t=\d+/, `t=${Math.floor(sentAt.getTime() / 1000) + 60}`);
  expect(verifyWebhookSignature(secret, redated, body, 300, sentAt)).toBe(false);
});

test('a missing or malformed header does not verify', () => {
  const { v1 } = Object.fromEntries(signWebhook(secret, body, sentAt).split(',').map((part) => part.split('='))) as { v1: string };
  for (const header of [undefined, '', 'garbage', `v1=${v1}`, 't=1893456005', `t=abc,v1=${v1}`, 't=1893456005,v1=zz']) {
    expect(verifyWebhookSignature(secret, header, body, 300, sentAt)).toBe(false);
  }
});

test('any of several v1 signatures may match (a receiver rotating secrets)', () => {
  const header = signWebhook(secret, body, sentAt);
  const t = header.split(',')[0]!;
  const other = signWebhook('whsec_old', body, sentAt).split(',')[1]!;
  expect(verifyWebhookSignature(secret, `${t},${other},${header.split(',')[1]!}`, body, 300, sentAt)).toBe(true);
});

test('signed with two secrets (a rotation overlap), the header carries two v1 entries and verifies with either secret', () => {
  const header = signWebhook(['whsec_new', 'whsec_old'], body, sentAt);
  expect(header).toMatch(/^t=1893456005,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
  expect(header.split(',').slice(1)).toEqual([signWebhook('whsec_new', body, sentAt).split(',')[1], signWebhook('whsec_old', body, sentAt).split(',')[1]]);
  expect(verifyWebhookSignature('whsec_new', header, body, 300, sentAt)).toBe(true);
  expect(verifyWebhookSignature('whsec_old', header, body, 300, sentAt)).toBe(true);
  expect(verifyWebhookSignature('whsec_other', header, body, 300, sentAt)).toBe(false);
});

test('a receiver holding both secrets while it switches verifies with either', () => {
  expect(verifyWebhookSignature(['whsec_old', 'whsec_new'], signWebhook('whsec_new', body, sentAt), body, 300, sentAt)).toBe(true);
  expect(verifyWebhookSignature(['whsec_old', 'whsec_new'], signWebhook('whsec_old', body, sentAt), body, 300, sentAt)).toBe(true);
  expect(verifyWebhookSignature(['whsec_old', 'whsec_new'], signWebhook('whsec_other', body, sentAt), body, 300, sentAt)).toBe(false);
  expect(verifyWebhookSignature([], signWebhook('whsec_new', body, sentAt), body, 300, sentAt)).toBe(false);
});
