/**
 * Which companies' buyer groups a change can alter. A person moving between companies leaves
 * one group and may join another, so both are refreshed: the old one first, because it is the
 * one that now shows someone who is gone.
 *
 * A provider's move names the company it believes the person left, which may not be where we
 * knew them to be: a second move reported against the upstream row's company (A → C after
 * A → B) names A, not B. The company that still shows the person is B, so a move also touches
 * every company the person was known to be in before it (`knownBefore`).
 */
import { originRef } from './changes';
import type { Change } from './model';
import {
  assessSignificance,
  PROVIDER_EVENT_TYPES,
  type Significance,
  type SignificanceOptions,
} from './significance';

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
 *
 * `knownBefore`: the companies the person was known to be in before the change (ingress: the
 * previously observed company, the upstream row's), in the order to touch them. Only a provider's
 * move uses them (`touchedCompanies`); a CDC change carries the row's companies in its images.
 */
export function changeTouches(
  change: Change,
  options: SignificanceOptions,
  knownBefore: readonly string[] = [],
): ChangeTouch[] {
  const significance = significanceOf(change, options, knownBefore);
  if (!significance.significant) return [];
  const origin = { ref: originRef(change), occurredAt: change.occurredAt };
  const reason = significance.reasons.join(', ') || 'changed';
  const by = triggeredBy(change);
  return touchedCompanies(change, knownBefore).map((companyId) => ({
    companyId,
    reason,
    triggeredBy: by,
    origin,
  }));
}

/**
 * A reported move from a company to itself reads as cosmetic, yet it moves a person known to be
 * elsewhere: after A → B, a provider naming the upstream row's company reports the way back as
 * A → A. It takes the person out of B's group and into A's, so it is significant.
 */
function significanceOf(
  change: Change,
  options: SignificanceOptions,
  knownBefore: readonly string[],
): Significance {
  const assessed = assessSignificance(change, options);
  if (assessed.significant || change.kind !== 'provider') return assessed;
  const known = (PROVIDER_EVENT_TYPES as readonly string[]).includes(change.eventType);
  const leaves = knownBefore.some((id) => id !== '' && id !== change.companyId);
  return known && leaves && reportsMove(change)
    ? { significant: true, reasons: [change.eventType] }
    : assessed;
}

function triggeredBy(change: Change): string {
  const origin = change.origin;
  if (origin.type === 'webhook') return `webhook:${origin.source}:${origin.eventId}`;
  const id =
    change.kind === 'person' ? change.personId : change.kind === 'company' ? change.companyId : '';
  return `cdc:${origin.table}:${id}`;
}

/**
 * The companies a change touches, each once: the ones the person leaves first, the one they join
 * last. For a provider's move, those left are the one it names and every company in
 * `knownBefore`; any other change ignores `knownBefore`: it does not take the person out of a
 * group, and the companies it names are the ones whose groups it alters.
 */
export function touchedCompanies(change: Change, knownBefore: readonly string[] = []): string[] {
  switch (change.kind) {
    case 'person':
      return unique([change.before?.companyId, change.after?.companyId]);
    case 'company':
      return unique([change.companyId]);
    case 'provider': {
      const left = [change.previousCompanyId, ...(reportsMove(change) ? knownBefore : [])];
      // The company joined comes last even when it is also one the person was known to be in.
      return unique([...left.filter((id) => id !== change.companyId), change.companyId]);
    }
  }
}

/** A provider event that moves the person: one that reports a new company (the observation). */
function reportsMove(change: Extract<Change, { kind: 'provider' }>): boolean {
  return change.personId !== null && change.fields.some(({ field }) => field === 'company');
}

function unique(ids: readonly (string | null | undefined)[]): string[] {
  const seen: string[] = [];
  for (const id of ids) {
    if (id && !seen.includes(id)) seen.push(id);
  }
  return seen;
}
