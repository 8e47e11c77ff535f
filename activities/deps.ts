import type { PaymentGateway } from '../gateway/payment-gateway';
import type { PrismaClient } from '../prisma/generated/client';

/** What activities need from the outside world; tests pass real or fake ones. */
export interface ActivityDeps {
  prisma: PrismaClient;
  gateway: PaymentGateway;
}
