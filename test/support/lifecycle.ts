// Helpers for lifecycle tests that drive subscriptions through the API.
import request from 'supertest';
import type { Express } from 'express';
import type { SubscriptionView } from '../../workflows/contract';
import type { Harness } from './harness';
import { eventually, settled } from './harness';

export const DAY = 86_400_000;

export interface Driver {
  app: Express;
  create(body: Record<string, unknown>): Promise<SubscriptionView>;
  get(id: string): Promise<SubscriptionView>;
  /** Re-reads the subscription until `accept` holds. */
  until(id: string, accept: (s: SubscriptionView) => boolean, what?: string): Promise<SubscriptionView>;
  post(path: string, body?: Record<string, unknown>): Promise<request.Response>;
  /** Waits for the subscription's workflow to close and returns how (COMPLETED, FAILED…). */
  closed(id: string): Promise<string>;
  /** Moves the test server's clock forward. */
  advance(ms: number): Promise<void>;
  /** Moves the clock to `iso` (if it is in the future). */
  advanceTo(iso: string): Promise<void>;
  /**
   * Templates of the emails that arrived for a subscription over SMTP, waiting until `count`
   * arrived, in the order of their lifecycle events (emails of one event, such as welcome and
   * receipt, are sent concurrently and sorted by template).
   */
  emails(id: string, count: number): Promise<string[]>;
}

export function driver(h: Harness, app: Express): Driver {
  const get = async (id: string) => {
    await settled(h, `subscription-${id}`);
    const res = await request(app).get(`/subscriptions/${id}`);
    if (res.status !== 200) throw new Error(`GET /subscriptions/${id}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as SubscriptionView;
  };
  return {
    app,
    async create(body) {
      const res = await request(app).post('/subscriptions').send(body);
      if (res.status !== 201) throw new Error(`POST /subscriptions: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as SubscriptionView;
    },
    get,
    until: (id, accept, what) => eventually(() => get(id), accept, what ?? `subscription ${id}`),
    async post(path, body = {}) {
      const id = /^\/subscriptions\/([^/]+)\//.exec(path)?.[1];
      if (id) await settled(h, `subscription-${id}`);
      return request(app).post(path).send(body);
    },
    async closed(id) {
      const handle = h.env.client.workflow.getHandle(`subscription-${id}`);
      return eventually(async () => (await handle.describe()).status.name, (status) => status !== 'RUNNING', `workflow of ${id} to close`);
    },
    async advance(ms) {
      await h.env.sleep(ms);
    },
    async advanceTo(iso) {
      const delta = new Date(iso).getTime() - (await h.env.currentTimeMs());
      if (delta > 0) await h.env.sleep(delta);
    },
    async emails(id, count) {
      await eventually(async () => h.smtp.for(id), (received) => received.length >= count, `${count} emails for ${id}`);
      // Marked sent in the database just after the SMTP server accepted them.
      const rows = await eventually(
        () =>
          h.db.prisma.emailMessage.findMany({
            where: { subscriptionId: id, sentAt: { not: null } },
            orderBy: [{ createdAt: 'asc' }, { template: 'asc' }],
          }),
        (sent) => sent.length >= h.smtp.for(id).length,
        `emails for ${id} recorded as sent`,
      );
      expect(rows.map((row) => row.messageId).sort()).toEqual(h.smtp.for(id).map((mail) => mail.messageId).sort());
      return rows.map((row) => row.template);
    },
  };
}

export const newCustomer = (name: string) => ({ email: `${name}@example.com`, name });
