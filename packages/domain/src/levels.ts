/**
 * Enrichment levels: how deep a refresh goes, and what it costs. The costs are the defaults
 * per company; a workspace may set its own.
 */
export const ENRICHMENT_LEVELS = ['identify', 'enrich', 'deep_research'] as const;
export type EnrichmentLevel = (typeof ENRICHMENT_LEVELS)[number];

export const DEFAULT_LEVEL_COSTS_USD: Readonly<Record<EnrichmentLevel, number>> = {
  identify: 0.1,
  enrich: 2.5,
  deep_research: 6.0,
};

export type Stage = 'discover' | 'enrich' | 'research' | 'save';

/** The stages a level runs, in order: identify skips the paid ones, enrich skips research. */
export function stagesFor(level: EnrichmentLevel): readonly Stage[] {
  switch (level) {
    case 'identify':
      return ['discover', 'save'];
    case 'enrich':
      return ['discover', 'enrich', 'save'];
    case 'deep_research':
      return ['discover', 'enrich', 'research', 'save'];
  }
}

/** Paid levels are bounded by the per-company cooldown window. */
export const isPaidLevel = (level: EnrichmentLevel): boolean => stagesFor(level).includes('enrich');

export function parseEnrichmentLevel(value: string): EnrichmentLevel | undefined {
  return (ENRICHMENT_LEVELS as readonly string[]).includes(value)
    ? (value as EnrichmentLevel)
    : undefined;
}

/** A workspace's costs: its valid overrides on top of the defaults; anything else is ignored. */
export function resolveLevelCosts(
  overrides: Readonly<Record<string, unknown>> | null | undefined,
): Readonly<Record<EnrichmentLevel, number>> {
  const costs = { ...DEFAULT_LEVEL_COSTS_USD };
  for (const [level, cost] of Object.entries(overrides ?? {})) {
    const known = parseEnrichmentLevel(level);
    if (known && typeof cost === 'number' && Number.isFinite(cost) && cost >= 0) {
      costs[known] = cost;
    }
  }
  return costs;
}

/**
 * What each stage costs, so that a refresh at a level costs that level's price in all:
 * discover the identify price, enrich the step up to enrich, research the rest.
 */
export function stageCosts(costs: Readonly<Record<EnrichmentLevel, number>>): {
  readonly discover: number;
  readonly enrich: number;
  readonly research: number;
} {
  return {
    discover: costs.identify,
    enrich: Math.max(0, costs.enrich - costs.identify),
    research: Math.max(0, costs.deep_research - costs.enrich),
  };
}
