// The benches' fixed-rate load: requests are sent evenly spaced, and a request that waits for a busy
// connection has the wait in its latency. A local server records when each request arrived.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pacedLoad } from '../../bench/support/paced-load';

let server: http.Server;
let url: string;
let arrivals: number[] = [];
let answerAfterMs = 0;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    arrivals.push(performance.now());
    request.resume();
    setTimeout(() => response.writeHead(request.url === '/missing' ? 404 : 200).end('ok'), answerAfterMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  arrivals = [];
  answerAfterMs = 0;
});

/** A clock that moves only when the load sleeps, by `lateBy(n)` more than asked on its nth sleep. */
function virtualClock(lateBy: (sleepIndex: number) => number = () => 0) {
  let now = 0;
  let sleeps = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms + lateBy(sleeps);
      sleeps += 1;
    },
  };
}

/** A run of 50 requests a second on `clock`, and when (on that clock) each request was sent. */
async function sendTimes(clock: ReturnType<typeof virtualClock>, seconds: number) {
  const sentAt: number[] = [];
  const result = await pacedLoad(url, {
    rate: 50,
    seconds,
    connections: 10,
    clock,
    request: () => {
      sentAt.push(clock.now());
      return { method: 'GET', path: '/', headers: {} };
    },
  });
  return { result, sentAt };
}

test('requests are sent one every 1000/rate ms, not as a burst at the start of each second', async () => {
  const { result, sentAt } = await sendTimes(virtualClock(), 0.4);
  expect(result).toMatchObject({ sent: 20, statuses: { 200: 20 }, non2xx: 0, errors: 0 });
  expect(arrivals).toHaveLength(20);
  expect(sentAt).toEqual(Array.from({ length: 20 }, (_, index) => index * 20));
});

test('after a late timer the requests it delayed go at once and the rest keep their schedule', async () => {
  // The wait for the third request (due at 40 ms) ends 50 ms late, as on a busy machine: the requests
  // due at 60 and 80 ms are overdue by then.
  const { sentAt } = await sendTimes(
    virtualClock((sleepIndex) => (sleepIndex === 1 ? 50 : 0)),
    0.2,
  );
  expect(sentAt).toEqual([0, 20, 90, 90, 90, 100, 120, 140, 160, 180]);
});

test('a request that waits for a busy connection counts the wait: latency runs from when it was due', async () => {
  answerAfterMs = 50;
  // One connection, a request due every 20 ms, each answered after 50 ms: the queue grows by 30 ms a request.
  const result = await pacedLoad(url, { rate: 50, seconds: 0.2, connections: 1, request: () => ({ method: 'GET', path: '/', headers: {} }) });
  expect(result.sent).toBe(10);
  expect(result.latency.p50).toBeGreaterThanOrEqual(50 + 4 * 30);
  expect(result.latency.max).toBeGreaterThanOrEqual(50 + 9 * 30);
});

test('answers other than 2xx and requests that got none are counted apart', async () => {
  const result = await pacedLoad(url, {
    rate: 100,
    seconds: 0.05,
    connections: 2,
    request: (index) => ({ method: 'GET', path: index % 2 === 0 ? '/missing' : '/', headers: {} }),
  });
  expect(result).toMatchObject({ sent: 5, statuses: { 200: 2, 404: 3 }, non2xx: 3, errors: 0 });
  const refused = await pacedLoad('http://127.0.0.1:1', { rate: 100, seconds: 0.03, connections: 1, request: () => ({ method: 'GET', path: '/', headers: {} }) });
  expect(refused).toMatchObject({ sent: 3, statuses: {}, non2xx: 0, errors: 3 });
});
