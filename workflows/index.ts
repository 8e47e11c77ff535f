// The worker's workflow bundle entry point.
export { emailDeliveryWorkflow } from './email-delivery';
export { paymentRecordWorkflow } from './payment-record';
export { planMigrationWorkflow } from './plan-migration';
export { subscriptionWorkflow } from './subscription';
export { webhookDeliveryWorkflow } from './webhook-delivery';
