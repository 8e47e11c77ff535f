// The portal's two cookies: the session of a signed-in customer, and the visitor id that binds the
// CSRF tokens of forms shown before sign-in (portal/csrf.ts). Both httpOnly and SameSite=Lax; when
// PUBLIC_URL is https they are also Secure and carry the __Host- prefix (no Domain, Path=/), so
// neither a plain-http page nor a sibling subdomain can set or overwrite them.
import type { Request, Response } from 'express';

export type CookieKind = 'session' | 'visitor';

export interface CookiePolicy {
  secure: boolean;
}

export function cookiePolicy(publicUrl: string): CookiePolicy {
  return { secure: new URL(publicUrl).protocol === 'https:' };
}

export function cookieName(policy: CookiePolicy, kind: CookieKind): string {
  return `${policy.secure ? '__Host-' : ''}portal_${kind}`;
}

/** The value of one cookie of the request's Cookie header. */
export function readCookie(req: Request, policy: CookiePolicy, kind: CookieKind): string | undefined {
  const name = cookieName(policy, kind);
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim() || undefined;
  }
  return undefined;
}

/** Without `maxAgeMs`, a browser session cookie. */
export function setCookie(res: Response, policy: CookiePolicy, kind: CookieKind, value: string, maxAgeMs?: number): void {
  res.cookie(cookieName(policy, kind), value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: policy.secure,
    path: '/',
    ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}),
  });
}

export function clearCookie(res: Response, policy: CookiePolicy, kind: CookieKind): void {
  res.clearCookie(cookieName(policy, kind), { httpOnly: true, sameSite: 'lax', secure: policy.secure, path: '/' });
}
