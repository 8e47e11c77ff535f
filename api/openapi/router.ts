// GET /openapi.json and the Swagger UI at /docs. Both are public (api/auth-policy.ts) and never
// rate limited: the document is the same for every caller and says nothing a key would protect.
import { dirname } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { htmlSecurityHeaders } from '../security-headers';
import { buildOpenApiDocument } from './document';
import { DOCS_INITIALIZER, DOCS_PAGE, SWAGGER_UI_ASSETS } from './docs-page';

/** Built on first use and kept: the document depends on nothing but the code. */
let documentJson: string | undefined;

function swaggerUiAssets(): RequestHandler {
  const files = express.static(dirname(require.resolve('swagger-ui-dist/package.json')), { index: false, maxAge: '1h' });
  const allowed = new Set(SWAGGER_UI_ASSETS);
  return (req, res, next) => {
    const name = req.path.slice(1);
    if (name === 'openapi-initializer.js') {
      // RFC 9239: JavaScript is text/javascript, as express.static serves the bundle.
      res.type('text/javascript').send(DOCS_INITIALIZER);
      return;
    }
    if (!allowed.has(name)) return next();
    files(req, res, next);
  };
}

export function openApiRouter(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    documentJson ??= JSON.stringify(buildOpenApiDocument());
    res.type('application/json').send(documentJson);
  });
  router.use('/docs', htmlSecurityHeaders());
  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  router.use('/docs', swaggerUiAssets());
  return router;
}
