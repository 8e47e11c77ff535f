// Browser tests: Debian's Chromium (installed by scripts/setup-tools.sh), driven by playwright-core,
// which never downloads a browser of its own. One browser per test file (a start costs 0.2–0.6 s on
// two busy cores); a fresh context per test, so no cookie, storage or open page leaks between tests.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Express } from 'express';
import type { AxeResults, Result } from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export type { Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');

const CHROMIUM_FLAGS = [
  // CI runs as root, where Chromium refuses to start its sandbox.
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // Without these Chromium calls Google's services at start and keeps retrying them; on a closed
  // network that is a flood of refused connections and failed look-ups in every run.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const AXE_SOURCE_PATH = require.resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

/** Fails (never skips) without the browser, so a machine without it cannot pass by testing nothing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: run \`bash scripts/setup-tools.sh\` (it installs Debian's chromium package with apt-get), or set CHROMIUM_PATH to a Chromium binary`,
    );
  }
  // launch() starts it with a new, empty profile in a temporary directory and deletes it on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
}

export interface BrowserSession {
  /** This test's page, in a context of its own. */
  readonly page: Page;
}

/** Call at the top of a test file: the browser for its tests, and a fresh page for each of them. */
export function useBrowser(): BrowserSession {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('Chromium did not start (see the error of beforeAll)');
    context = await browser.newContext();
    // Below Jest's test timeout, so a page that never shows what a test waits for fails with
    // Playwright's message (which locator, what it saw) rather than Jest's bare timeout.
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    page = undefined;
  });
  return {
    get page(): Page {
      if (!page) throw new Error('the page exists only inside a test (useBrowser opens one per test)');
      return page;
    },
  };
}

/**
 * The whole page as test-artifacts/screenshots/<name>.png (kept by CI), for a person to look at;
 * nothing compares it. Names must be unique across the suite: test files run in parallel.
 * `window`: only what the window shows where it is scrolled to, as the person sees it first.
 */
export async function screenshot(page: Page, name: string, { window = false } = {}): Promise<string> {
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: !window });
  return file;
}

export interface A11yOptions {
  /** Only these axe-core rules (ids), for a page where only some of what axe checks is ours. */
  rules?: string[];
}

const NODES_LISTED = 5;

function describeViolation(violation: Result): string {
  const nodes = violation.nodes
    .slice(0, NODES_LISTED)
    .map((node) => `    ${node.target.join(' ')}: ${(node.failureSummary ?? '').replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ')}`);
  const more = violation.nodes.length > NODES_LISTED ? [`    … and ${violation.nodes.length - NODES_LISTED} more`] : [];
  return [`- [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})`, ...nodes, ...more].join('\n');
}

/**
 * Runs axe-core on the page as it is now and fails with a readable list when any violation is
 * serious or critical. Returns every violation, for tests that hold a page to the minor ones too.
 */
export async function expectNoSeriousA11yViolations(page: Page, options: A11yOptions = {}): Promise<Result[]> {
  // Evaluated through the DevTools protocol rather than added as a <script> (page.addScriptTag):
  // a page whose Content-Security-Policy refuses inline scripts, as /docs does, would block that,
  // and bypassing the policy would no longer test the page as customers get it.
  axeSource ??= `${readFileSync(AXE_SOURCE_PATH, 'utf8')}\n;undefined`;
  await page.evaluate(axeSource);
  const results = await page.evaluate(async (rules: string[] | null): Promise<AxeResults> => {
    const { axe } = globalThis as unknown as { axe?: { run(options: unknown): Promise<AxeResults> } };
    if (!axe) throw new Error('axe-core did not load into the page');
    return axe.run({ resultTypes: ['violations'], ...(rules ? { runOnly: { type: 'rule', values: rules } } : {}) });
  }, options.rules ?? null);
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  if (serious.length > 0) {
    throw new Error(`axe-core found ${serious.length} serious or critical accessibility violation(s) on ${page.url()}:\n${serious.map(describeViolation).join('\n')}`);
  }
  return results.violations;
}

export interface ServedApp {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** A link the app gave out under its public URL, pointed at this server instead. */
  local(link: string): string;
  close(): Promise<void>;
}

/** The app on a real loopback port, for a browser to open (supertest never listens). */
export async function serve(app: Express): Promise<ServedApp> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    local(link) {
      const url = new URL(link);
      return new URL(`${url.pathname}${url.search}${url.hash}`, origin).toString();
    },
    async close() {
      // The browser keeps idle connections open; close() alone would wait for them.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
