// The timeline as tables for people.
import { formatMoney } from '../domain/money';
import type { FailedTimeline } from './failure';
import type { Timeline } from './timeline';

function table(title: string, header: string[], rows: string[][]): string {
  if (rows.length === 0) return `${title}: none\n`;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [`${title} (${rows.length})`, line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), ''].join('\n');
}

const day = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '');

const answer = (c: Timeline['commands'][number] | FailedTimeline['commands'][number]) =>
  c.status === null ? c.outcome : `${c.status}${c.detail ? ` ${c.detail}` : ''}`;

/** Where and why a failed simulation stopped, for the end of its report. */
export function formatFailure(error: FailedTimeline['error']): string {
  return [
    `SIMULATION FAILED ${error.where}`,
    `  error:    ${error.reason}`,
    `  workflow: ${error.workflowId}${error.runId ? `, run ${error.runId}` : ''}`,
    '',
  ].join('\n');
}

/** The timeline as tables; a failed simulation's ends with its failure. */
export function formatTimeline(t: Timeline | FailedTimeline): string {
  const money = (amountCents: number, currency: string) => formatMoney({ amountCents, currency });
  const currency = t.invoices[0]?.currency ?? 'EUR';
  const collected = t.invoices.filter((i) => i.status === 'paid').reduce((sum, i) => sum + i.totalCents, 0);
  const refunded = t.refunds.reduce((sum, r) => sum + r.amountCents, 0);
  return [
    table(
      'Invoices',
      ['number', 'period', 'total', 'status', 'paid at', 'lines'],
      t.invoices.map((i) => [
        i.number,
        `${i.periodStart.slice(0, 10)} – ${i.periodEnd.slice(0, 10)}`,
        money(i.totalCents, i.currency),
        i.status,
        day(i.paidAt),
        i.lines.map((l) => `${l.description}: ${money(l.amountCents, i.currency)}`).join('; '),
      ]),
    ),
    table(
      'Payments',
      ['at', 'invoice', 'attempt', 'outcome', 'amount', 'decline'],
      t.payments.map((p) => [day(p.at), p.invoice, String(p.attempt), p.outcome, money(p.amountCents, currency), p.declineCode ?? '']),
    ),
    table('Status changes', ['at', 'from', 'to'], t.statusChanges.map((c) => [day(c.at), c.from ?? '(new)', c.to])),
    table('Commands', ['at', 'command', 'answer'], t.commands.map((c) => [day(c.at), c.type, answer(c)])),
    table('Emails', ['at', 'template', 'to'], t.emails.map((e) => [day(e.at), e.template, e.to])),
    table(
      'Offers',
      ['id', 'made', 'rule', 'to', 'discount', 'status'],
      t.offers.map((o) => [o.id, day(o.at), o.rule, o.to, o.percentOff > 0 ? `${o.percentOff}% × ${o.discountPeriods}` : '', o.status]),
    ),
    table('Refunds', ['at', 'invoice', 'amount'], t.refunds.map((r) => [day(r.at), r.invoice, money(r.amountCents, r.currency)])),
    ...('entitlements' in t && t.entitlements
      ? [
          `Entitlements at the end: features ${t.entitlements.features.join(', ') || 'none'}; limits ${
            Object.entries(t.entitlements.limits)
              .map(([name, limit]) => `${name} ${limit}`)
              .join(', ') || 'none'
          }.\n`,
        ]
      : []),
    `Collected ${money(collected, currency)} over ${t.invoices.filter((i) => i.status === 'paid').length} paid invoices; refunded ${money(refunded, currency)}.\n`,
    ...('error' in t ? [formatFailure(t.error)] : []),
  ].join('\n');
}
