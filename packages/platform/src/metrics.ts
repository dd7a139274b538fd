/**
 * Prometheus metrics: one registry per service, with the default process metrics and a
 * `service` label on every series.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';

export { Registry };

export interface Metrics {
  readonly registry: Registry;
}

export function createMetrics(service: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return { registry };
}
