// The projection stores getSubscription's answer with VIEW_SHAPE (workflows/contract.ts), and the
// API answers from a stored view only in the current shape. A field added to the view without
// raising VIEW_SHAPE would be missing from eventual reads of every view stored before: this test
// holds the fields and the shape together, so changing one means looking at the other.
import { PLAN_CATALOGUE } from '../../domain/plans';
import { DEFAULT_POLICY, openSubscription } from '../../domain/subscription';
import { subscriptionView, VIEW_SHAPE } from '../../workflows/contract';

const plan = PLAN_CATALOGUE.find((p) => p.code === 'pro-monthly')!;

test('the view has the fields of its shape: raise VIEW_SHAPE when they change', () => {
  const state = openSubscription({ subscriptionId: 'sub_shape', customer: { id: 'cus_shape', email: 'shape@example.com' }, plan, paymentMethod: 'pm_card_visa', policy: DEFAULT_POLICY }, new Date('2026-12-01T00:00:00Z'));
  const view = subscriptionView(state);
  expect({ shape: VIEW_SHAPE, fields: Object.keys(view).sort() }).toEqual({
    shape: 1,
    fields: [
      'account', 'addOns', 'anchor', 'anchorPeriodIndex', 'cancelAtPeriodEnd', 'cancelReason', 'canceledAt', 'createdAt', 'creditBalanceCents', 'currentPeriod',
      'currentPeriodInvoiced', 'customer', 'discount', 'dunning', 'endedAt', 'id', 'invoiceCount', 'latestInvoice', 'nextBillingAt', 'offer', 'offers', 'pause',
      'pauseAtPeriodEnd', 'paymentMethod', 'pendingItems', 'pendingPayment', 'periodIndex', 'plan', 'policy', 'recentCommandIds', 'rules', 'runs', 'scheduledChange',
      'stats', 'status', 'timeZone', 'trialEnd', 'trialReminderSent', 'usage', 'version', 'workflowId',
    ],
  });
  // Not yet opened (its first charge pending): nothing is due.
  expect(view).toMatchObject({ ...state, workflowId: 'subscription-sub_shape', nextBillingAt: null });
});
