import express, { Router } from 'express';
import request from 'supertest';
import { errorMiddleware } from '../../api/errors';
import { requestLogging, type RequestSample, unexpectedErrorLogger } from '../../api/request-logging';
import { createLogger } from '../../infra/logger';

type Line = Record<string, unknown>;

/** A pino logger whose JSON lines land in `lines`. */
function capturedLogger() {
  const lines: Line[] = [];
  const logger = createLogger({ service: 'api', level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line) as Line) } });
  return { logger, lines };
}

function appWith(logger: ReturnType<typeof capturedLogger>['logger'], samples: RequestSample[]) {
  const app = express();
  app.use(requestLogging(logger, (sample) => samples.push(sample)));
  const subscriptions = Router();
  subscriptions.get('/:id', (req, res) => {
    req.log.info('handler ran');
    res.json({ id: req.params.id });
  });
  subscriptions.post('/:id/cancel', async () => {
    throw new Error('database on fire');
  });
  app.use('/subscriptions', subscriptions);
  app.get('/offer-rules/:id', (req, res) => res.json({ id: req.params.id }));
  app.use(errorMiddleware(unexpectedErrorLogger(logger)));
  return app;
}

test('each request is one line with method, route pattern, status, duration, requestId and the subscription it is about', async () => {
  const { logger, lines } = capturedLogger();
  const samples: RequestSample[] = [];
  const res = await request(appWith(logger, samples)).get('/subscriptions/sub_ada?token=secret-link-token');
  expect(res.status).toBe(200);

  const completed = lines.find((line) => line.msg === 'request completed')!;
  expect(completed).toMatchObject({
    level: 'info',
    service: 'api',
    method: 'GET',
    route: '/subscriptions/:id',
    path: '/subscriptions/sub_ada',
    status: 200,
    subscriptionId: 'sub_ada',
    requestId: res.headers['x-request-id'],
  });
  expect(completed.durationMs).toEqual(expect.any(Number));
  expect(JSON.stringify(lines)).not.toContain('secret-link-token');
  // The handler's own line carries the same context.
  expect(lines.find((line) => line.msg === 'handler ran')).toMatchObject({ requestId: res.headers['x-request-id'], subscriptionId: 'sub_ada' });
  expect(samples).toEqual([{ method: 'GET', route: '/subscriptions/:id', status: 200, seconds: expect.any(Number) }]);
});

test("a caller's x-request-id is kept; an unusable one is replaced", async () => {
  const { logger } = capturedLogger();
  const app = appWith(logger, []);
  expect((await request(app).get('/subscriptions/a').set('x-request-id', 'trace-123')).headers['x-request-id']).toBe('trace-123');
  const replaced = (await request(app).get('/subscriptions/a').set('x-request-id', 'no spaces allowed')).headers['x-request-id'];
  expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
});

test('an unexpected error is logged with the context of the request it broke, and its route pattern is kept', async () => {
  const { logger, lines } = capturedLogger();
  const samples: RequestSample[] = [];
  const res = await request(appWith(logger, samples)).post('/subscriptions/sub_bob/cancel').set('x-request-id', 'req-boom');
  expect(res.status).toBe(500);

  const error = lines.find((line) => line.msg === 'unexpected error')!;
  expect(error).toMatchObject({ level: 'error', requestId: 'req-boom', subscriptionId: 'sub_bob', err: { message: 'database on fire' } });
  expect((error.err as { stack: string }).stack).toContain('database on fire');
  expect(lines.find((line) => line.msg === 'request completed')).toMatchObject({ level: 'error', route: '/subscriptions/:id/cancel', status: 500 });
  expect(samples[0]).toMatchObject({ method: 'POST', route: '/subscriptions/:id/cancel', status: 500 });
});

test('an :id outside /subscriptions is not taken for a subscription, and unmatched paths share one route label', async () => {
  const { logger, lines } = capturedLogger();
  const samples: RequestSample[] = [];
  const app = appWith(logger, samples);
  await request(app).get('/offer-rules/seats-upgrade');
  await request(app).get('/no/such/path');
  const [rule, unmatched] = lines.filter((line) => line.msg === 'request completed');
  expect(rule).toMatchObject({ route: '/offer-rules/:id', status: 200 });
  expect(rule).not.toHaveProperty('subscriptionId');
  expect(unmatched).toMatchObject({ route: '(unmatched)', path: '/no/such/path', status: 404 });
});

test('secrets are redacted from log lines; payment-method tokens are not secrets and stay readable', () => {
  const { logger, lines } = capturedLogger();
  logger.info(
    { req: { headers: { authorization: 'Bearer sk_live_abc', 'x-api-key': 'key_123' } }, body: { token: 'signed-link', paymentMethod: 'pm_card_visa' }, secret: 'whsec_1' },
    'request received',
  );
  const text = JSON.stringify(lines[0]);
  for (const secret of ['sk_live_abc', 'key_123', 'signed-link', 'whsec_1']) expect(text).not.toContain(secret);
  expect(lines[0]).toMatchObject({ body: { token: '[redacted]', paymentMethod: 'pm_card_visa' } });
});
