import { Counter, Histogram, type Registry } from 'prom-client';

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
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
  };
}
