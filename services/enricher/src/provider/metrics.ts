/**
 * The adapter's series. One set per registry: a second provider on the same registry (tests,
 * or two adapters in one process) shares them instead of failing on a duplicate name.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Per HTTP attempt; `circuit_open` is not an outcome here because no request is sent. */
export type AttemptOutcome =
  'ok' | 'rate_limited' | 'server_error' | 'timeout' | 'network' | 'malformed_reply' | 'rejected';

export interface ProviderMetrics {
  readonly requests: Counter<'operation' | 'outcome'>;
  readonly duration: Histogram<'operation'>;
  /** 0 closed, 1 half-open, 2 open. */
  readonly circuitState: Gauge;
}

export const CIRCUIT_GAUGE = { closed: 0, halfOpen: 1, open: 2 } as const;

export function providerMetrics(registry: Registry): ProviderMetrics {
  const registers = [registry];
  const requests = registry.getSingleMetric('bgs_provider_requests_total');
  const duration = registry.getSingleMetric('bgs_provider_request_duration_seconds');
  const circuitState = registry.getSingleMetric('bgs_provider_circuit_state');
  return {
    requests:
      requests instanceof Counter
        ? (requests as Counter<'operation' | 'outcome'>)
        : new Counter({
            name: 'bgs_provider_requests_total',
            help: 'HTTP attempts to the enrichment provider, by operation and outcome',
            labelNames: ['operation', 'outcome'],
            registers,
          }),
    duration:
      duration instanceof Histogram
        ? (duration as Histogram<'operation'>)
        : new Histogram({
            name: 'bgs_provider_request_duration_seconds',
            help: 'Duration of one HTTP attempt to the enrichment provider, reply read included',
            labelNames: ['operation'],
            buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            registers,
          }),
    circuitState:
      circuitState instanceof Gauge
        ? circuitState
        : new Gauge({
            name: 'bgs_provider_circuit_state',
            help: 'Circuit breaker in front of the provider: 0 closed, 1 half-open, 2 open',
            registers,
          }),
  };
}
