// The worker's workflow bundle entry point.
export { subscriptionWorkflow } from './subscription';
