import { rotatedSecrets, signingSecrets } from '../../domain/webhook-secrets';

const now = new Date('2030-01-01T12:00:00.000Z');
const hours = (n: number) => new Date(now.getTime() + n * 3_600_000);

test('a rotation keeps the replaced secret signing until the end of the overlap window, the new one first', () => {
  const rotated = rotatedSecrets({ secret: 'whsec_a', previousSecret: null, previousSecretExpiresAt: null }, 'whsec_b', now, 24);
  expect(rotated).toEqual({ secret: 'whsec_b', previousSecret: 'whsec_a', previousSecretExpiresAt: hours(24) });
  expect(signingSecrets(rotated, now)).toEqual(['whsec_b', 'whsec_a']);
  expect(signingSecrets(rotated, new Date(hours(24).getTime() - 1))).toEqual(['whsec_b', 'whsec_a']);
  expect(signingSecrets(rotated, hours(24))).toEqual(['whsec_b']);
});

test('a second rotation within the window replaces the oldest secret: never more than two sign', () => {
  const once = rotatedSecrets({ secret: 'whsec_a', previousSecret: null, previousSecretExpiresAt: null }, 'whsec_b', now, 24);
  const twice = rotatedSecrets(once, 'whsec_c', hours(1), 2);
  expect(signingSecrets(twice, hours(2))).toEqual(['whsec_c', 'whsec_b']);
  expect(signingSecrets(twice, hours(3))).toEqual(['whsec_c']);
});

test('a zero overlap drops the old secret at once', () => {
  const rotated = rotatedSecrets({ secret: 'whsec_a', previousSecret: 'whsec_z', previousSecretExpiresAt: hours(5) }, 'whsec_b', now, 0);
  expect(rotated).toEqual({ secret: 'whsec_b', previousSecret: null, previousSecretExpiresAt: null });
  expect(signingSecrets(rotated, now)).toEqual(['whsec_b']);
});
