// The worker's workflow bundle entry point.
export { planMigrationWorkflow } from './plan-migration';
export { subscriptionWorkflow } from './subscription';
export { webhookDeliveryWorkflow } from './webhook-delivery';
