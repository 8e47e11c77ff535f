// The subscription workflow's messages (declared in contract.ts): reads are queries, commands are
// updates with validators, facts are signals. Each command is one entry of domain/commands.ts:
// its validator and its step come from there, and the entity runs it.
import type { UpdateDefinition } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import type { Command } from '../domain/commands';
import { checkCommand, COMMAND_NAMES } from '../domain/commands';
import { previewAddOnChange as addOnPreview, previewCustomLineChange as customLinePreview } from '../domain/add-on-preview';
import { usageReported } from '../domain/offers';
import { quotePlanChange } from '../domain/plan-change';
import { migratePlan as migrationStep } from '../domain/plan-migration';
import { hasOpened } from '../domain/subscription';
import type { PlanChangeResult } from './contract';
import { awaitOpening, billingProfileChanged, COMMAND_UPDATES, getSubscription, migratePlan, paymentEvent, PLAN_CHANGE_COMMANDS, previewAddOnChange, previewCustomLineChange, previewPlanChange, recordUsage } from './contract';
import { paymentEventReceived } from '../domain/pending-payment';
import { billingProfileChanged as profileStep } from '../domain/billing-profile';
import type { SubscriptionEntity } from './entity';

export function registerHandlers(entity: SubscriptionEntity): void {
  wf.setHandler(getSubscription, () => entity.view());
  wf.setHandler(previewPlanChange, ({ at, ...input }) => {
    try {
      checkCommand(entity.state, { name: 'changePlan', input }, at);
    } catch (error) {
      return { allowed: false, reason: (error as Error).message };
    }
    const quote = quotePlanChange(entity.state, input, at);
    return {
      allowed: true,
      timing: quote.timing,
      effectiveAt: quote.effectiveAt,
      invoice: quote.invoice?.draft ?? null,
      creditBalanceCentsAfter: quote.invoice?.creditBalanceCents ?? entity.state.creditBalanceCents,
    };
  });
  wf.setHandler(previewAddOnChange, ({ at, ...input }) => addOnPreview(entity.state, input, at));
  wf.setHandler(previewCustomLineChange, ({ at, ...input }) => customLinePreview(entity.state, input, at));
  wf.setHandler(awaitOpening, async () => {
    await wf.condition(() => hasOpened(entity.state));
    return entity.view();
  });

  for (const name of COMMAND_NAMES) {
    const asCommand = (input: unknown) => ({ name, input }) as Command;
    const handler = async (input: unknown) => {
      const reply = await entity.command(asCommand(input));
      if (!PLAN_CHANGE_COMMANDS.has(name)) return entity.view();
      const result: PlanChangeResult = { timing: reply.timing ?? 'now', effectiveAt: reply.effectiveAt ?? '', invoice: reply.invoice ?? null, subscription: entity.view() };
      return result;
    };
    // One definition per command, whatever its argument and answer types: the table in contract.ts types them for callers.
    wf.setHandler(COMMAND_UPDATES[name] as UpdateDefinition<unknown, [unknown]>, handler, { validator: (input) => entity.validate(asCommand(input)) });
  }

  wf.setHandler(recordUsage, (event) => entity.signal((state, at) => usageReported(state, event, at)));
  wf.setHandler(migratePlan, (request) => entity.signal((state, at) => migrationStep(state, request, at)));
  wf.setHandler(billingProfileChanged, (profile) => entity.signal((state) => profileStep(state, profile)));
  wf.setHandler(paymentEvent, (event) => entity.signal((state, at) => paymentEventReceived(state, event, at)));
}
