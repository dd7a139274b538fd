/**
 * The routing step's logic: which companies a change touches and why, as CompanyTouch records.
 * Pure; the stage around it decodes inputs and encodes outputs.
 */
import {
  assessSignificance,
  originRef,
  parseEnrichmentLevel,
  touchedCompanies,
  type Change,
} from '@bgs/domain';
import type { CompanyTouchRecord } from '@bgs/platform';
import type { RoutedInput } from './routed-input';

export interface RouteOptions {
  readonly backfill: boolean;
}

function triggeredBy(change: Change): string {
  const origin = change.origin;
  if (origin.type === 'webhook') return `webhook:${origin.source}:${origin.eventId}`;
  const id =
    change.kind === 'person' ? change.personId : change.kind === 'company' ? change.companyId : '';
  return `cdc:${origin.table}:${id}`;
}

export function touchesFor(input: RoutedInput, options: RouteOptions): CompanyTouchRecord[] {
  if (input.type === 'request') {
    const { request } = input;
    return [
      {
        companyId: request.companyId,
        level: parseEnrichmentLevel(request.level) ?? null,
        reason: request.reason ? `refresh requested: ${request.reason}` : 'refresh requested',
        triggeredBy: `api:${request.requestId}`,
        origins: [{ ref: `api:${request.requestId}`, occurredAt: request.requestedAt }],
        cooldownElapsed: false,
      },
    ];
  }
  const { change } = input;
  const significance = assessSignificance(change, { backfill: options.backfill });
  if (!significance.significant) return [];
  const origin = { ref: originRef(change), occurredAt: change.occurredAt };
  const reason = significance.reasons.join(', ') || 'changed';
  return touchedCompanies(change).map((companyId) => ({
    companyId,
    level: null,
    reason,
    triggeredBy: triggeredBy(change),
    origins: [origin],
    cooldownElapsed: false,
  }));
}
