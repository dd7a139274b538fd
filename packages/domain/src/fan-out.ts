/**
 * Which companies' buyer groups a change can alter. A person moving between companies leaves
 * one group and may join another, so both are refreshed: the old one first, because it is the
 * one that now shows someone who is gone.
 */
import { originRef } from './changes';
import type { Change } from './model';
import { assessSignificance, type SignificanceOptions } from './significance';

/** A company a significant change touches, and why: what routing a change decides. */
export interface ChangeTouch {
  readonly companyId: string;
  readonly reason: string;
  /** Names the change in refresh logs: `webhook:<source>:<event id>` or `cdc:<table>:<row id>`. */
  readonly triggeredBy: string;
  /** The change's stable ref (the key of its idempotent effects) and when it happened. */
  readonly origin: { readonly ref: string; readonly occurredAt: number };
}

/**
 * The companies whose groups a change should refresh: none for an insignificant change. Both
 * places that route changes use it (ingress for webhooks, the routing step for CDC), so a change
 * is routed the same way whichever door it came in by.
 */
export function changeTouches(change: Change, options: SignificanceOptions): ChangeTouch[] {
  const significance = assessSignificance(change, options);
  if (!significance.significant) return [];
  const origin = { ref: originRef(change), occurredAt: change.occurredAt };
  const reason = significance.reasons.join(', ') || 'changed';
  const by = triggeredBy(change);
  return touchedCompanies(change).map((companyId) => ({
    companyId,
    reason,
    triggeredBy: by,
    origin,
  }));
}

function triggeredBy(change: Change): string {
  const origin = change.origin;
  if (origin.type === 'webhook') return `webhook:${origin.source}:${origin.eventId}`;
  const id =
    change.kind === 'person' ? change.personId : change.kind === 'company' ? change.companyId : '';
  return `cdc:${origin.table}:${id}`;
}

export function touchedCompanies(change: Change): string[] {
  switch (change.kind) {
    case 'person':
      return unique([change.before?.companyId, change.after?.companyId]);
    case 'company':
      return unique([change.companyId]);
    case 'provider':
      return unique([change.previousCompanyId, change.companyId]);
  }
}

function unique(ids: readonly (string | null | undefined)[]): string[] {
  const seen: string[] = [];
  for (const id of ids) {
    if (id && !seen.includes(id)) seen.push(id);
  }
  return seen;
}
