/**
 * Wires the ingress application from its connections. main.ts passes the real ones opened at
 * start-up; integration tests pass the same kinds of connections to the local stack.
 */
import type express from 'express';
import type { Pool } from 'pg';
import type { Logger } from 'winston';
import {
  createAvroPublisher,
  createKafka,
  createProducer,
  createRenewingProducer,
  type PublishingProducer,
  type Producer,
  type Registry,
  type RefreshRequestRecord,
  type SchemaCodec,
  Topics,
} from '@bgs/platform';
import { createOperatorRouter } from './api/operator-router';
import { createApiRouter } from './api/router';
import { createPgApiStore } from './api/store';
import { createIngressApp } from './app';
import type { Config } from './config';
import { createIngressMetrics } from './metrics';
import { createPgClaimStore } from './webhooks/claims';
import { createPgObservationStore } from './webhooks/observations';
import { createPersonChangePublisher } from './webhooks/publish';
import { createWebhookRouter } from './webhooks/router';
import type { SourceRegistry } from './webhooks/sources';

export type IngressSettings = Pick<
  Config,
  | 'WEBHOOK_BODY_LIMIT_BYTES'
  | 'WEBHOOK_TOLERANCE_MS'
  | 'PRODUCE_TIMEOUT_MS'
  | 'CLAIM_TIMEOUT_MS'
  | 'REQUEST_TIMEOUT_MS'
  | 'KAFKA_COMPRESSION'
>;

export interface IngressConnections {
  readonly sources: SourceRegistry;
  readonly pool: Pool;
  readonly producer: Pick<Producer, 'sendBatch'>;
  readonly codec: SchemaCodec;
  readonly registry: Registry;
  readonly logger: Logger;
}

export function wireIngress(
  connections: IngressConnections,
  settings: IngressSettings,
): express.Express {
  const { pool, producer, codec, logger } = connections;
  const metrics = createIngressMetrics(connections.registry);
  // One claim store and one publisher for deliveries and their replays: a replay claims and
  // publishes exactly as a delivery does, in the same batches.
  const claims = createPgClaimStore(pool, { claimTimeoutMs: settings.CLAIM_TIMEOUT_MS });
  const personChanges = createPersonChangePublisher({
    producer,
    codec,
    observations: createPgObservationStore(pool),
    timeoutMs: settings.PRODUCE_TIMEOUT_MS,
    compression: settings.KAFKA_COMPRESSION,
  });
  const webhooks = createWebhookRouter({
    sources: connections.sources,
    claims,
    publisher: personChanges,
    metrics,
    logger,
    bodyLimitBytes: settings.WEBHOOK_BODY_LIMIT_BYTES,
    toleranceMs: settings.WEBHOOK_TOLERANCE_MS,
    inFlightWaitMs: settings.PRODUCE_TIMEOUT_MS + 1_000,
  });
  const store = createPgApiStore(pool);
  const api = createApiRouter({
    store,
    publisher: createAvroPublisher<RefreshRequestRecord>({
      producer,
      codec,
      topic: Topics.refreshRequests,
      timeoutMs: settings.PRODUCE_TIMEOUT_MS,
    }),
    logger,
    claimWaitMs: settings.PRODUCE_TIMEOUT_MS + 1_000,
    claimTimeoutMs: settings.CLAIM_TIMEOUT_MS,
  });
  const operator = createOperatorRouter({
    keys: store,
    db: pool,
    replay: { claims, publisher: personChanges },
    logger,
  });
  return createIngressApp({
    webhooks,
    api,
    operator,
    metrics,
    logger,
    requestTimeoutMs: settings.REQUEST_TIMEOUT_MS,
  });
}

/** Bounded retries: a request waits PRODUCE_TIMEOUT_MS at most, so sends must not retry for ever. */
export const INGRESS_PRODUCER_RETRY = { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 };

/**
 * Ingress's producer, on a Kafka client of its own with the same bounded retries. A send also
 * waits on the client's retries (reconnecting, refreshing metadata); with the services' default
 * (about a minute) a send begun while Kafka is down outlived the request that made it, and once
 * Kafka was back wrote records whose delivery had been answered 503: the provider's retry then
 * put the event on the topic twice. Bounded here, a send fails soon after its request does; and
 * a send given up is not retried, so the producer is renewed after a failure
 * (createRenewingProducer: its batch numbers would otherwise stay behind the broker's).
 */
export function createIngressProducer(options: {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
}): PublishingProducer {
  const kafka = createKafka({ ...options, retry: INGRESS_PRODUCER_RETRY });
  return createRenewingProducer(() => createProducer(kafka, { retry: INGRESS_PRODUCER_RETRY }));
}
