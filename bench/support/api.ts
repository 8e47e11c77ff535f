// Requests the benches send to the API. apiHeaders() is the one place request headers are built,
// so credentials are added here and nowhere else.
import type { Service } from './services';

export interface ApiTarget {
  url: string;
  /** Sent as `Authorization: Bearer <key>` when the API requires keys. */
  apiKey?: string;
}

export function apiHeaders(target: ApiTarget): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
  };
}

/** The body of POST /subscriptions for a bench subscription: its own customer, a working card. */
export function subscriptionBody(id: string, plan: string, paymentMethod = 'pm_card_visa') {
  return { id, customer: { email: `${id}@bench.example`, name: `Bench ${id}` }, plan, paymentMethod };
}

export async function postJson(target: ApiTarget, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${target.url}${path}`, { method: 'POST', headers: apiHeaders(target), body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * POST /subscriptions, repeated after a 5xx answer: the same id never creates a second
 * subscription, so a repeat is safe. Returns how many answers were 5xx before it succeeded.
 */
export async function createSubscription(target: ApiTarget, body: ReturnType<typeof subscriptionBody>, attempts = 5): Promise<number> {
  for (let failures = 0; ; failures += 1) {
    const res = await fetch(`${target.url}/subscriptions`, { method: 'POST', headers: apiHeaders(target), body: JSON.stringify(body) });
    const text = await res.text();
    if (res.status < 300) return failures;
    if (res.status < 500 || failures + 1 >= attempts) throw new Error(`POST /subscriptions answered ${res.status} (attempt ${failures + 1}): ${text.slice(0, 500)}`);
  }
}

export { eachLimited } from '../../infra/each-limited';

/** What the API logged as the causes of its 5xx answers (its JSON log lines that carry an `err`). */
export function serverErrorCauses(api: Service): string[] {
  const causes = new Set<string>();
  for (const line of api.problems()) {
    let entry: { err?: { type?: string; message?: string } };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // not one of its JSON log lines
    }
    if (entry.err) causes.add(`${entry.err.type ?? 'Error'}: ${(entry.err.message ?? '').slice(0, 160)}`);
  }
  return [...causes];
}
