// The API reference at /docs in a real browser: Swagger UI renders every operation of
// /openapi.json from assets this server serves, under its Content-Security-Policy, with no key.
import { expectNoSeriousA11yViolations, screenshot, serve, type ServedApp, useBrowser } from '../support/browser';
import type { Harness } from '../support/harness';
import { rawTestApp, startHarness } from '../support/harness';

const browser = useBrowser();
let h: Harness;
let server: ServedApp;
beforeAll(async () => {
  h = await startHarness();
  server = await serve(rawTestApp(h));
});
afterAll(async () => {
  await server?.close();
  await h?.teardown();
});

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

test('Swagger UI at /docs lists every operation of /openapi.json, offline and without a key', async () => {
  const spec = (await (await fetch(`${server.origin}/openapi.json`)).json()) as { info: { title: string }; paths: Record<string, Record<string, unknown>> };
  const documented = Object.entries(spec.paths).flatMap(([path, item]) => Object.keys(item).filter((key) => METHODS.includes(key)).map((method) => `${method.toUpperCase()} ${path}`));

  const { page } = browser;
  const elsewhere: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(`${server.origin}/`) && !request.url().startsWith('data:')) elsewhere.push(request.url());
  });
  // A script or style the Content-Security-Policy refuses is reported here.
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });

  await page.goto(`${server.origin}/docs`);
  await page.getByRole('heading', { name: spec.info.title }).waitFor();
  await page.waitForFunction(`document.querySelectorAll('.opblock').length >= ${documented.length}`);
  const methods = await page.locator('.opblock-summary-method').allInnerTexts();
  // Swagger UI puts zero-width spaces in long paths, where a line may break.
  const paths = (await page.locator('.opblock-summary-path').allInnerTexts()).map((path) => path.replace(/\u200b/g, ''));
  expect(methods.map((method, i) => `${method} ${paths[i]}`).sort()).toEqual([...documented].sort());
  await screenshot(page, 'api-docs/operations');

  // Only the page around Swagger UI is ours (api/openapi/docs-page.ts). Swagger UI 5.35 itself
  // fails axe-core: its theme's contrast (method badges, links), controls nested in an
  // operation's summary, and the servers <select> without a name. Not ours to fix here.
  await expectNoSeriousA11yViolations(page, { rules: ['html-has-lang', 'html-lang-valid', 'document-title', 'meta-viewport', 'meta-refresh'] });

  expect(elsewhere).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
