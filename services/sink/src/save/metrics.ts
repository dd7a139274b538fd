import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Bounds of bgs_freshness_seconds. The freshness SLOs (1 s and 5 s,
 * deploy/observability/prometheus/rules/slo-freshness.yml) read the buckets at their thresholds,
 * so 1 and 5 must stay bounds (tests/observability/rules.test.ts).
 */
export const FRESHNESS_BUCKETS_SECONDS: readonly number[] = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

export interface SinkMetrics {
  readonly saves: Counter<'outcome'>;
  readonly freshness: Histogram;
}

export function createSinkMetrics(registry: Registry): SinkMetrics {
  return {
    saves: new Counter({
      name: 'bgs_sink_saves_total',
      help: 'Buyer groups handled by the sink: saved, already_saved (re-published) or stale (older generation, a no-op)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    freshness: new Histogram({
      name: 'bgs_freshness_seconds',
      help: 'From a source change (commit or webhook receipt) to its saved buyer group',
      buckets: [...FRESHNESS_BUCKETS_SECONDS],
      registers: [registry],
    }),
  };
}
