// A Stripe test-mode stand-in for the Stripe gateway's tests (test support, not product code): an
// HTTP server the Stripe SDK talks to in place of api.stripe.com. Every request goes to stripe-mock
// first, so Stripe's OpenAPI description judges its parameter names and types, and a request
// stripe-mock refuses gets stripe-mock's refusal. What stateless stripe-mock cannot do is done here:
// Stripe's idempotency (a key replays its first answer, refuses other parameters, and answers 409
// while its first request runs) and test mode's behaviour per test card (./stripe-test-mode.ts).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeForm, errorFixture, stripeId, type StripeObject } from './stripe-fixtures';
import { startStripeMock, type StripeMock } from './stripe-mock';
import { StripeTestMode, type StripeAnswer } from './stripe-test-mode';

export interface StandInRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** What stripe-mock answered: 200 means Stripe's OpenAPI description accepts the request. */
  stripeMockStatus: number;
  /** What the client was answered (0 when the answer was dropped on purpose). */
  status: number;
  replayed: boolean;
  /** Why the stand-in could not answer as Stripe would (an unemulated request, a fixture missing fields). */
  problem: string | null;
}

interface Recorded {
  path: string;
  body: string;
  answer: StripeAnswer;
}

export class StripeStandIn {
  readonly testMode = new StripeTestMode();
  readonly requests: StandInRequest[] = [];
  private readonly recorded = new Map<string, Recorded>();
  private readonly running = new Set<string>();
  private readonly executedCharges = new Map<string, string[]>();
  private readonly answersToDrop: Array<{ method: string; path: string }> = [];
  private readonly holds: Array<{ method: string; path: string; arrive: () => void; released: Promise<void> }> = [];

  private constructor(
    private readonly server: http.Server,
    private readonly stripeMock: StripeMock,
  ) {}

  /** Starts stripe-mock and the stand-in in front of it. */
  static async start(): Promise<StripeStandIn> {
    const stripeMock = await startStripeMock();
    const server = http.createServer();
    const standIn = new StripeStandIn(server, stripeMock);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      standIn.serve(request, response).catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return standIn;
  }

  /** Where the Stripe client sends its requests instead of api.stripe.com (STRIPE_API_BASE). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The PaymentIntents Stripe created under a key (declined ones too): a replayed answer creates none. */
  chargesUnder(idempotencyKey: string): string[] {
    return this.executedCharges.get(idempotencyKey) ?? [];
  }

  /**
   * As if 24 hours passed: Stripe prunes idempotency keys then, and a key's next request runs
   * anew (a PaymentIntent under a forgotten key is a second charge).
   */
  forgetIdempotencyKeys(): void {
    this.recorded.clear();
  }

  /** The next `times` requests to `path` run, but their answers never reach the client: the connection drops. */
  dropNextAnswers(method: string, path: string, times: number): void {
    for (let time = 0; time < times; time += 1) this.answersToDrop.push({ method, path });
  }

  /**
   * The next request to `path` stops before Stripe would run it, until released: requests under
   * its idempotency key meanwhile meet Stripe's 409, as they do while a first request runs.
   */
  holdNext(method: string, path: string): { arrived: Promise<void>; release: () => void } {
    let arrive = () => {};
    let release = () => {};
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.push({ method, path, arrive, released });
    return { arrived, release };
  }

  /** Requests stripe-mock refused, or the stand-in could not answer as Stripe would. */
  failures(): StandInRequest[] {
    return this.requests.filter((request) => request.stripeMockStatus >= 400 || request.problem !== null);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.stripeMock.stop();
  }

  private async serve(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const body = await readBody(request);
    const key = method === 'POST' ? headerOf(request, 'idempotency-key') : null;
    const log: StandInRequest = { method, path, idempotencyKey: key, stripeMockStatus: 0, status: 0, replayed: false, problem: null };
    this.requests.push(log);

    const earlier = key ? this.recorded.get(key) : undefined;
    const concurrent = key !== null && !earlier && this.running.has(key);
    if (key && !earlier && !concurrent) this.running.add(key);
    try {
      const validation = await this.validate(request, method, path, body);
      log.stripeMockStatus = validation.status;
      if (!earlier && !concurrent) await this.held(method, path);
      // Stripe keeps no result for a request its validation refused: the key stays unused.
      const answer =
        validation.status >= 400
          ? validation
          : concurrent
            ? withKey(409, 'error.idempotency_key_in_use', key)
            : earlier
              ? this.replay(key!, path, body, earlier, log)
              : this.execute(method, path, body, key, validation, log);
      if (this.dropping(method, path)) {
        request.socket.destroy();
        return;
      }
      log.status = answer.status;
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'request-id': stripeId('req_', 14),
        ...(key ? { 'idempotency-key': key } : {}),
        ...(log.replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      response.end(JSON.stringify(answer.body, null, 2));
    } finally {
      if (key && !concurrent) this.running.delete(key);
    }
  }

  /** stripe-mock's verdict on the request, and its answer (whose fields ours must have). */
  private async validate(request: http.IncomingMessage, method: string, path: string, body: string): Promise<StripeAnswer> {
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type', 'stripe-version']) {
      const value = headerOf(request, name);
      if (value !== null) headers[name] = value;
    }
    const answer = await fetch(`${this.stripeMock.url}${path}`, { method, headers, ...(method === 'GET' ? {} : { body }) });
    return { status: answer.status, body: (await answer.json()) as StripeObject };
  }

  /** A key seen before: its first answer again, or Stripe's refusal of other parameters. */
  private replay(key: string, path: string, body: string, earlier: Recorded, log: StandInRequest): StripeAnswer {
    if (earlier.path !== path || earlier.body !== body) return withKey(400, 'error.idempotency_error', key);
    log.replayed = true;
    return earlier.answer;
  }

  private execute(method: string, path: string, body: string, key: string | null, stripeMock: StripeAnswer, log: StandInRequest): StripeAnswer {
    // A GET's parameters are its query string (a search's `query`), a POST's its form body.
    const answer = this.testMode.handle(method, path, decodeForm(method === 'GET' ? (path.split('?')[1] ?? '') : body));
    if (!answer) return this.cannotAnswer(log, `the stand-in does not emulate ${method} ${path} with ${body || 'no parameters'}`);
    if (answer.status < 400) {
      const lacking = Object.keys(stripeMock.body).filter((field) => !(field in answer.body));
      if (lacking.length > 0) return this.cannotAnswer(log, `the recorded answer to ${method} ${path} lacks fields stripe-mock's OpenAPI answer has: ${lacking.join(', ')}`);
    }
    if (method === 'POST' && path === '/v1/payment_intents') {
      const intent = (answer.status === 402 ? (answer.body.error as StripeObject).payment_intent : answer.body) as StripeObject | undefined;
      if (intent) this.executedCharges.set(key ?? '', [...this.chargesUnder(key ?? ''), String(intent.id)]);
    }
    if (key) this.recorded.set(key, { path, body, answer });
    return answer;
  }

  private cannotAnswer(log: StandInRequest, problem: string): StripeAnswer {
    log.problem = problem;
    return { status: 501, body: { error: { type: 'api_error', message: problem } } };
  }

  private async held(method: string, path: string): Promise<void> {
    const index = this.holds.findIndex((hold) => hold.method === method && hold.path === path);
    if (index < 0) return;
    const [hold] = this.holds.splice(index, 1);
    hold!.arrive();
    await hold!.released;
  }

  private dropping(method: string, path: string): boolean {
    const index = this.answersToDrop.findIndex((drop) => drop.method === method && drop.path === path);
    if (index >= 0) this.answersToDrop.splice(index, 1);
    return index >= 0;
  }
}

function withKey(status: number, name: 'error.idempotency_key_in_use' | 'error.idempotency_error', key: string | null): StripeAnswer {
  const error = errorFixture(name);
  error.message = String(error.message).replace('KEY', String(key));
  return { status, body: { error } };
}

function headerOf(request: http.IncomingMessage, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' ? value : null;
}

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
