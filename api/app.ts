// The Express application, without listening: tests drive it with supertest.
import { forgetOwnChanges } from './read-cache';
import express from 'express';
import pino from 'pino';
import type { Registry } from 'prom-client';
import type { Logger } from '../infra/logger';
import { allowedMethods } from './allowed-methods';
import { auditLog } from './audit';
import { authenticate } from './auth';
import type { ApiDeps } from './deps';
import { errorMiddleware } from './errors';
import { idempotency } from './idempotency';
import { jsonBodiesOnly } from './json-body';
import { createApiMetrics } from './metrics';
import { openApiRouter } from './openapi/router';
import { notFound } from './problem';
import { failedAuthentication, throttleByAddress, throttleByKey } from './rate-limit';
import { apiKeysRouter } from './routes/api-keys';
import { auditEventsRouter } from './routes/audit-events';
import { addOnsRouter } from './routes/add-ons';
import { catalogueRouter } from './routes/catalogue';
import { couponsRouter } from './routes/coupons';
import { customersRouter } from './routes/customers';
import { deliveriesRouter } from './routes/deliveries';
import { exportsRouter } from './routes/exports';
import { healthRouter } from './routes/health';
import { creditNotesRouter, invoicesRouter } from './routes/invoices';
import { planMigrationsRouter } from './routes/plan-migrations';
import { plansRouter } from './routes/plans';
import { productsRouter } from './routes/products';
import { quotesRouter } from './routes/quotes';
import { priceVersionsRouter } from './routes/price-versions';
import { reportsRouter } from './routes/reports';
import { requestLogging } from './request-logging';
import { stripeWebhooksRouter } from './routes/stripe-webhooks';
import { subscriptionCommandsRouter } from './routes/subscription-commands';
import { subscriptionReadsRouter } from './routes/subscription-reads';
import { subscriptionsRouter } from './routes/subscriptions';
import { upsellRouter } from './routes/upsell';
import { webhooksRouter } from './routes/webhooks';
import { sandboxRouter } from './routes/sandbox';
import { createPortal } from '../portal/app';

export interface AppObservability {
  /** Request lines and handler logs (`req.log`); silent when omitted (tests). */
  logger?: Logger;
  /** Registry for /metrics, e.g. one with process metrics; a fresh one when omitted. */
  registry?: Registry;
}

export function createApp(deps: ApiDeps, observability: AppObservability = {}): express.Express {
  const logger = observability.logger ?? pino({ level: 'silent' });
  const metrics = createApiMetrics(observability.registry);
  const onUnexpectedError = deps.onUnexpectedError ?? ((error: unknown) => console.error(error));
  const app = express();
  app.disable('x-powered-by');
  // req.ip, the address the throttles count, comes from X-Forwarded-For only for trusted hops.
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(requestLogging(logger, metrics.observeRequest));
  app.use(forgetOwnChanges(deps.readCache));
  // Before the body is parsed or a key looked up: a flood costs as little as possible.
  if (deps.throttles) app.use(throttleByAddress(deps.throttles, onUnexpectedError));
  // Before authentication, so that requests it refuses (a revoked key, too little scope) are audited.
  app.use(auditLog(deps, logger));
  // Before the JSON parser and authentication: Stripe signs the raw bytes, and that signature is
  // its credential (api/auth-policy.ts).
  app.use('/webhooks/stripe', stripeWebhooksRouter(deps));
  // Pages for customers (portal/app.ts): HTML forms, a session cookie and CSRF tokens instead of
  // JSON and API keys, and errors as pages. An application of its own, not API operations.
  app.use('/portal', createPortal(deps));
  app.use(jsonBodiesOnly());
  app.use(express.json({ limit: '100kb' }));
  // Before every router, after the body parser (customer links may carry their token in the
  // body): what a request needs is decided from its method and path in api/auth-policy.ts.
  app.use(authenticate(deps));
  app.use(failedAuthentication(deps.throttles, onUnexpectedError));
  if (deps.throttles) app.use(throttleByKey(deps.throttles, onUnexpectedError));
  app.use(idempotency(deps));
  // After authentication, like the 404: the policy asks of a method no route offers what it asks
  // of any other (api/auth-policy.ts), so only a caller it lets through learns a path's methods.
  const methods = allowedMethods();
  app.use(methods.answerOptions);

  app.use('/healthz', healthRouter(deps));
  // Public, like /healthz: scrapers carry no API key.
  app.use('/metrics', metrics.router());
  app.use('/products', productsRouter(deps));
  app.use('/plans', planMigrationsRouter(deps));
  app.use('/plans', plansRouter(deps));
  app.use('/add-ons', addOnsRouter(deps));
  app.use('/coupons', couponsRouter(deps));
  app.use('/plans', priceVersionsRouter(deps));
  app.use('/subscriptions', subscriptionsRouter(deps));
  app.use('/subscriptions', subscriptionReadsRouter(deps));
  app.use('/subscriptions', subscriptionCommandsRouter(deps));
  app.use('/subscriptions', upsellRouter(deps));
  app.use('/subscriptions', deliveriesRouter(deps));
  app.use('/', catalogueRouter(deps));
  app.use('/reports', reportsRouter(deps));
  app.use('/exports', exportsRouter(deps));
  app.use('/quotes', quotesRouter(deps));
  app.use('/customers', customersRouter(deps));
  app.use('/invoices', invoicesRouter(deps));
  app.use('/credit-notes', creditNotesRouter(deps));
  if (deps.sandbox) app.use('/sandbox', sandboxRouter(deps, deps.sandbox));
  app.use('/webhooks', webhooksRouter(deps));
  app.use('/api-keys', apiKeysRouter(deps));
  app.use('/audit-events', auditEventsRouter(deps));
  // GET /openapi.json and the Swagger UI at /docs: public, like /healthz.
  app.use(openApiRouter());

  app.use(methods.refuseOthers(app));
  app.use((req, _res, next) => next(notFound(`no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware(onUnexpectedError));
  return app;
}
