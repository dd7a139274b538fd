/**
 * The ingress's own series. Source names come from the configuration, never from the URL, so a
 * stranger probing random paths cannot create new label values.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

export interface IngressMetrics {
  readonly webhooks: Counter<'source' | 'outcome' | 'status'>;
  readonly signatureFailures: Counter<'source' | 'reason'>;
  readonly duplicates: Counter<'source'>;
  readonly produceSeconds: Histogram<'topic' | 'result'>;
  readonly requestSeconds: Histogram<'method' | 'route' | 'status'>;
}

export function createIngressMetrics(registry: Registry): IngressMetrics {
  const registers = [registry];
  return {
    webhooks: new Counter({
      name: 'ingress_webhooks_total',
      help: 'Webhook requests by source, outcome and HTTP status',
      labelNames: ['source', 'outcome', 'status'],
      registers,
    }),
    signatureFailures: new Counter({
      name: 'ingress_webhook_signature_failures_total',
      help: 'Webhooks refused by signature verification, by reason',
      labelNames: ['source', 'reason'],
      registers,
    }),
    duplicates: new Counter({
      name: 'ingress_webhook_duplicates_total',
      help: 'Webhooks whose event id was already accepted from that source',
      labelNames: ['source'],
      registers,
    }),
    produceSeconds: new Histogram({
      name: 'ingress_kafka_produce_duration_seconds',
      help: 'Time until Kafka acknowledged (acks=all) or the publish failed',
      labelNames: ['topic', 'result'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    requestSeconds: new Histogram({
      name: 'ingress_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
  };
}
