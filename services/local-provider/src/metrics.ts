import { Counter, type Registry } from 'prom-client';

export type ApiOutcome =
  | 'ok'
  | 'replayed'
  | 'unauthorized'
  | 'invalid'
  | 'conflict'
  | 'injected_failure'
  | 'injected_malformed'
  | 'error'
  /** The request log could not be written (Postgres down): 503, nothing billed. */
  | 'unavailable';

export interface LocalProviderMetrics {
  readonly requests: Counter<'operation' | 'outcome'>;
}

export function createLocalProviderMetrics(registry: Registry): LocalProviderMetrics {
  return {
    requests: new Counter({
      name: 'bgs_local_provider_requests_total',
      help: 'Requests to the local provider API, by operation and outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
  };
}
