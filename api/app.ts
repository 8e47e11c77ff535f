// The Express application, without listening: tests drive it with supertest.
import express from 'express';
import type { ApiDeps } from './deps';
import { errorMiddleware } from './errors';
import { notFound } from './problem';
import { catalogueRouter } from './routes/catalogue';
import { healthRouter } from './routes/health';
import { plansRouter } from './routes/plans';
import { reportsRouter } from './routes/reports';
import { subscriptionCommandsRouter } from './routes/subscription-commands';
import { subscriptionsRouter } from './routes/subscriptions';
import { upsellRouter } from './routes/upsell';

export function createApp(deps: ApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));

  app.use('/healthz', healthRouter(deps));
  app.use('/plans', plansRouter(deps));
  app.use('/subscriptions', subscriptionsRouter(deps));
  app.use('/subscriptions', subscriptionCommandsRouter(deps));
  app.use('/subscriptions', upsellRouter(deps));
  app.use('/', catalogueRouter(deps));
  app.use('/reports', reportsRouter(deps));

  app.use((req, _res, next) => next(notFound(`no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware(deps.onUnexpectedError ?? ((error) => console.error(error))));
  return app;
}
