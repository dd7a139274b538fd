/**
 * Coalescing: all the touches of one company in a batch become one refresh, whose generation
 * is the offset of the newest touch it includes. Offsets of company-touches only grow within
 * a partition, and a company always hashes to the same partition, so generations only grow.
 */
import { ENRICHMENT_LEVELS, parseEnrichmentLevel, type EnrichmentLevel } from '@bgs/domain';
import {
  Headers,
  MAX_ORIGINS,
  type ChangeOriginRecord,
  type CompanyTouchRecord,
  type HeaderMap,
} from '@bgs/platform';

export interface TouchInput {
  readonly offset: string;
  readonly touch: CompanyTouchRecord;
  readonly headers: HeaderMap;
}

export interface RefreshPlan {
  readonly companyId: string;
  readonly generation: number;
  /** The deepest level asked for; undefined: the workspace's change level. */
  readonly requestedLevel: EnrichmentLevel | undefined;
  readonly reasons: readonly string[];
  readonly triggeredBy: string;
  readonly origins: readonly ChangeOriginRecord[];
  readonly originCount: number;
  readonly cooldownElapsed: boolean;
  /** Headers of the newest touch (its trace context travels on). */
  readonly headers: HeaderMap;
  /**
   * The traceparent of every touch coalesced, oldest first (absent on touches without one):
   * the refresh's span links to each (discover-handler.ts).
   */
  readonly traceparents: readonly (string | undefined)[];
}

const MAX_REASONS = 10;

export const deeperLevel = (
  a: EnrichmentLevel | undefined,
  b: EnrichmentLevel | undefined,
): EnrichmentLevel | undefined => {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return ENRICHMENT_LEVELS.indexOf(a) >= ENRICHMENT_LEVELS.indexOf(b) ? a : b;
};

export function planRefreshes(inputs: readonly TouchInput[]): RefreshPlan[] {
  const byCompany = new Map<string, TouchInput[]>();
  for (const input of inputs) {
    const list = byCompany.get(input.touch.companyId) ?? [];
    list.push(input);
    byCompany.set(input.touch.companyId, list);
  }
  return [...byCompany].map(([companyId, touches]) => {
    const ordered = [...touches].sort((a, b) =>
      BigInt(a.offset) < BigInt(b.offset) ? -1 : BigInt(a.offset) > BigInt(b.offset) ? 1 : 0,
    );
    const newest = ordered[ordered.length - 1] as TouchInput;
    const origins = onceEach(ordered.flatMap((t) => t.touch.origins));
    const reasons = [...new Set(ordered.map((t) => t.touch.reason))];
    const triggers = [...new Set(ordered.map((t) => t.touch.triggeredBy))];
    return {
      companyId,
      generation: Number(newest.offset),
      requestedLevel: ordered
        .map((t) => (t.touch.level === null ? undefined : parseEnrichmentLevel(t.touch.level)))
        .reduce(deeperLevel, undefined),
      reasons:
        reasons.length > MAX_REASONS
          ? [...reasons.slice(0, MAX_REASONS), `and ${reasons.length - MAX_REASONS} more`]
          : reasons,
      triggeredBy:
        triggers.length > 1
          ? `${triggers[0]} and ${triggers.length - 1} more`
          : (triggers[0] ?? ''),
      origins: origins.slice(0, MAX_ORIGINS),
      originCount: origins.length,
      cooldownElapsed: ordered.some((t) => t.touch.cooldownElapsed),
      headers: newest.headers,
      traceparents: ordered.map((t) => t.headers[Headers.traceparent]),
    };
  });
}

/**
 * Each change once, at its first appearance. Two touches of one batch carrying the same change
 * are one delivery read twice: a webhook published again by its provider's retry after a
 * publish that ingress gave up on had landed after all, or a touch redelivered after a broker
 * failover. Counted twice, the change would show twice in the saved generation.
 */
function onceEach(origins: readonly ChangeOriginRecord[]): ChangeOriginRecord[] {
  const seen = new Set<string>();
  return origins.filter((origin) => {
    if (seen.has(origin.ref)) return false;
    seen.add(origin.ref);
    return true;
  });
}
