// Signing-secret rotation, Stripe-style: after a rotation both secrets sign every delivery for an
// overlap window, so receivers can switch to the new secret at their own pace without rejecting
// anything; after the window only the new one signs.
export const DEFAULT_OVERLAP_HOURS = 24;
export const MAX_OVERLAP_HOURS = 7 * 24;

export interface EndpointSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
}

/** The secrets that sign a delivery made at `at`: the current one first. */
export function signingSecrets(endpoint: EndpointSecrets, at: Date): string[] {
  const { secret, previousSecret, previousSecretExpiresAt } = endpoint;
  return previousSecret && previousSecretExpiresAt && at < previousSecretExpiresAt ? [secret, previousSecret] : [secret];
}

/** The endpoint's secrets after `secret` replaced the current one at `now`; a zero overlap drops the old one at once. */
export function rotatedSecrets(current: EndpointSecrets, secret: string, now: Date, overlapHours: number): EndpointSecrets {
  if (overlapHours === 0) return { secret, previousSecret: null, previousSecretExpiresAt: null };
  return { secret, previousSecret: current.secret, previousSecretExpiresAt: new Date(now.getTime() + overlapHours * 3_600_000) };
}
