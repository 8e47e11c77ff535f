// Runs stripe-mock (built by scripts/setup-stripe-mock.sh): Stripe's own OpenAPI description served
// over HTTP, which refuses a request whose parameter names or types Stripe's API would refuse. It
// keeps no state, so test/support/stripe-stand-in.ts sits in front of it for what Stripe remembers.
import { spawn, type ChildProcess } from 'node:child_process';
import { stripeMockPath } from '../../infra/tools';

export interface StripeMock {
  /** http://127.0.0.1:<port> */
  url: string;
  stop(): Promise<void>;
}

const SETUP_HINT = 'run `bash scripts/setup-stripe-mock.sh` (needs Go) or set STRIPE_MOCK_PATH';
const STARTUP_LIMIT_MS = 30_000;

/** Starts stripe-mock on ports the system picks (loopback only) and resolves once it answers. */
export async function startStripeMock(): Promise<StripeMock> {
  const binary = stripeMockPath();
  if (!binary) throw new Error(`stripe-mock is not installed: ${SETUP_HINT}`);
  // Both listeners get a free loopback port: its HTTPS one would otherwise take 12112, and two test
  // files running at once would collide there.
  const child = spawn(binary, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await listeningUrl(child);
    await answering(url);
    return { url, stop: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw error;
  }
}

/** stripe-mock prints `Listening for HTTP at address: 127.0.0.1:<port>` once its listener is bound. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`stripe-mock did not start listening in ${STARTUP_LIMIT_MS} ms:\n${output}`)), STARTUP_LIMIT_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening for HTTP at address: (\S+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://${match[1]}`);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`stripe-mock could not start (${error.message}): ${SETUP_HINT}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`stripe-mock exited with ${code} before listening:\n${output}`));
    });
  });
}

/**
 * The port is bound before the line is printed, so the kernel queues the first request until
 * stripe-mock serves it; the loop only covers a refused connection (fetch's TypeError) in between.
 */
async function answering(url: string): Promise<void> {
  const deadline = Date.now() + STARTUP_LIMIT_MS;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/v1/customers/cus_ready`, { headers: { authorization: 'Bearer sk_test_123' } });
      if (response.ok) return;
      throw new Error(`stripe-mock answered HTTP ${response.status}: ${await response.text()}`);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`stripe-mock did not answer in ${STARTUP_LIMIT_MS} ms: ${last}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
