// One webhook POST under the target policy, against real local HTTP servers: refused targets are
// never connected to, the connection goes to the address that was checked, redirects are not
// followed and answers are measured, never kept.
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { MAX_RESPONSE_BYTES, postWebhook } from '../../infra/webhook-request';
import type { ResolvedAddress, Resolver, WebhookTargetPolicy } from '../../infra/webhook-target';

interface Local {
  port: number;
  /** TCP connections accepted, whatever was sent on them (a TLS hello to this plain server too). */
  connections: number;
  hits: IncomingHttpHeaders[];
}

const servers: Array<Server | TlsServer> = [];
afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(() => resolve(undefined))))));

/** A server on 127.0.0.1 that records every connection and request it gets and answers with `answer`. */
async function local(answer: (res: ServerResponse) => void = (res) => res.end('ok')): Promise<Local> {
  const hits: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    hits.push(req.headers);
    req.resume();
    req.on('end', () => answer(res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const seen: Local = { port: (server.address() as AddressInfo).port, connections: 0, hits };
  server.on('connection', () => (seen.connections += 1));
  return seen;
}

/** A resolver that knows only these names, counting its lookups. */
function stubResolver(names: Record<string, ResolvedAddress[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  return Object.assign(
    async (hostname: string) => {
      calls.push(hostname);
      const found = names[hostname];
      if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return found;
    },
    { calls },
  );
}

const v4 = (address: string) => ({ address, family: 4 });
const post = (url: string, policy: WebhookTargetPolicy) => postWebhook(url, { 'content-type': 'application/json' }, '{"id":"evt_1"}', policy);

describe('production rules (private targets not allowed)', () => {
  test.each([
    ['a name resolving to loopback', 'https://hooks.example.test:PORT/hooks', /hooks\.example\.test resolves to 127\.0\.0\.1, a loopback address/],
    ['a name with one internal address among public ones', 'https://mixed.example.test:PORT/hooks', /resolves to 10\.0\.0\.7, a private address/],
    ['a name resolving to the metadata service', 'https://metadata.example.test:PORT/', /169\.254\.169\.254, a link-local address/],
    ['a literal loopback address', 'https://127.0.0.1:PORT/hooks', /127\.0\.0\.1 is a loopback address/],
    ['a bracketed IPv4-mapped IPv6 literal', 'https://[::ffff:127.0.0.1]:PORT/hooks', /::ffff:7f00:1 is a loopback address/],
    ['a decimal IPv4 literal', 'https://2130706433:PORT/hooks', /127\.0\.0\.1 is a loopback address/],
    ['localhost', 'https://localhost:PORT/hooks', /localhost is this machine/],
    ['an http:// URL to a public name', 'http://public.example.test:PORT/hooks', /must be an https:\/\/ URL/],
  ])('%s is refused before anything is sent', async (_what, template, reason) => {
    const server = await local();
    const resolve = stubResolver({
      'hooks.example.test': [v4('127.0.0.1')],
      'mixed.example.test': [v4('93.184.216.34'), v4('10.0.0.7')],
      'metadata.example.test': [v4('169.254.169.254')],
      'public.example.test': [v4('93.184.216.34')],
    });
    const outcome = await post(template.replace('PORT', String(server.port)), { allowPrivateTargets: false, resolve });
    expect(outcome).toMatchObject({ ok: false, refused: true, statusCode: null, latencyMs: null, responseBytes: null });
    expect(outcome.error).toMatch(/^refused: /);
    expect(outcome.error).toMatch(reason);
    expect(server.connections).toBe(0);
  });

  test('a name that does not resolve fails the attempt as a network error (retried), not as a refusal', async () => {
    const outcome = await post('https://nowhere.example.test/hooks', { allowPrivateTargets: false, resolve: stubResolver({}) });
    expect(outcome).toMatchObject({ ok: false, refused: false, error: 'getaddrinfo ENOTFOUND nowhere.example.test' });
  });
});

describe('development rules (private targets allowed)', () => {
  test('the same name is connected to when allowed: the refusals above are the policy, not an unreachable server', async () => {
    const server = await local();
    const resolve = stubResolver({ 'hooks.example.test': [v4('127.0.0.1')] });
    expect(await post(`http://hooks.example.test:${server.port}/hooks`, { allowPrivateTargets: true, resolve })).toMatchObject({ ok: true });
    expect([server.connections, server.hits.length]).toEqual([1, 1]);
  });

  test('the connection goes to the address resolved once, with the Host header of the URL', async () => {
    const server = await local();
    // `.test` names exist in no DNS: any lookup but the stub's would fail.
    const resolve = stubResolver({ 'receiver.example.test': [v4('127.0.0.1')] });
    const outcome = await post(`http://receiver.example.test:${server.port}/hooks`, { allowPrivateTargets: true, resolve });
    expect(outcome).toMatchObject({ ok: true, refused: false, statusCode: 200, error: null, responseBytes: 2 });
    expect(outcome.latencyMs).toEqual(expect.any(Number));
    expect(resolve.calls).toEqual(['receiver.example.test']);
    expect(server.hits).toEqual([expect.objectContaining({ host: `receiver.example.test:${server.port}`, 'content-type': 'application/json' })]);
  });

  test('https: the connection goes to the checked address and TLS names the original host (SNI)', async () => {
    const serverNames: string[] = [];
    // No certificate needed: the client's hello (with its server name) is all this records.
    const tls = createTlsServer({ SNICallback: (name, done) => (serverNames.push(name), done(new Error('no certificate here'))) });
    servers.push(tls);
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as AddressInfo;
    const resolve = stubResolver({ 'secure.example.test': [v4('127.0.0.1')] });
    const outcome = await post(`https://secure.example.test:${port}/hooks`, { allowPrivateTargets: true, resolve });
    expect(outcome).toMatchObject({ ok: false, refused: false, statusCode: null });
    expect(serverNames).toEqual(['secure.example.test']);
    expect(resolve.calls).toEqual(['secure.example.test']);
  });

  test('a redirect to a reachable server is not followed: the 3xx is a failed attempt', async () => {
    const elsewhere = await local();
    const redirecting = await local((res) => res.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/landed` }).end());
    const outcome = await post(`http://127.0.0.1:${redirecting.port}/hooks`, { allowPrivateTargets: true });
    expect(outcome).toMatchObject({ ok: false, refused: false, statusCode: 302, error: 'HTTP 302 (redirects are not followed)' });
    expect(redirecting.hits).toHaveLength(1);
    expect(elsewhere.connections).toBe(0);
  });

  test("an answer's content is never part of the outcome: its status and size only", async () => {
    const failing = await local((res) => res.writeHead(500).end('db password is hunter2'));
    const outcome = await post(`http://127.0.0.1:${failing.port}/hooks`, { allowPrivateTargets: true });
    expect(outcome).toMatchObject({ ok: false, statusCode: 500, error: 'HTTP 500', responseBytes: 'db password is hunter2'.length });
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
  });

  test('a huge answer is read only up to the cap', async () => {
    const chatty = await local((res) => res.end(Buffer.alloc(4 * MAX_RESPONSE_BYTES, 'x')));
    const outcome = await post(`http://127.0.0.1:${chatty.port}/hooks`, { allowPrivateTargets: true });
    expect(outcome).toMatchObject({ ok: true, statusCode: 200, responseBytes: MAX_RESPONSE_BYTES });
  });
});
