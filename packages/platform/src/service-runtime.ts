/**
 * The wiring every service shares: config, logger, metrics, ops server, Kafka client and an
 * idempotent producer, readiness, and graceful shutdown. A service's main only adds its own.
 */
import type http from 'node:http';
import type { z } from 'zod';
import { loadConfig, type BaseServiceConfig, type Env } from './config';
import { cachedCheck, createReadiness } from './health';
import { createKafka, createProducer, type Kafka, type Producer } from './kafka/client';
import { kafkaHealthResource } from './kafka/health';
import { logStartupFailure, processHooks, runService } from './lifecycle';
import type { LifecyclePart, ProcessHooks } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics, type Registry } from './metrics';
import { startOpsServer } from './ops-server';
import type { ServiceResource } from './resource';
import { startTracing, tracingSettings } from './tracing';

export interface ServiceContext<C extends BaseServiceConfig> {
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly kafka: Kafka;
  /** Connected, idempotent; disconnected on shutdown after everything `setup` returned. */
  readonly producer: Producer;
  /**
   * Serves every path other than /healthz, /readyz and /metrics on the service's port. The
   * server closes last on shutdown, so requests in flight finish after readiness turns off.
   */
  serveHttp(handler: http.RequestListener): void;
}

export interface ServiceDefinition<C extends BaseServiceConfig> {
  readonly name: string;
  readonly configSchema: z.ZodType<C, unknown>;
  /**
   * Opens the service's own resources once Kafka is connected. They stop in reverse order,
   * before the producer; those with a `check` take part in readiness.
   */
  readonly setup?: (
    context: ServiceContext<C>,
  ) => Promise<readonly ServiceResource[]> | readonly ServiceResource[];
  /**
   * What /metrics answers, given the service's registry; that registry's metrics unless given.
   * Set before the ops server starts, so /metrics never answers otherwise in between (an
   * ingress worker under node:cluster answers with every worker's, docs/ingress.md).
   */
  readonly renderMetrics?: (registry: Registry) => () => Promise<string>;
}

/**
 * Starts the shared runtime and the service's resources; resolves to the parts in start order:
 * tracing (when configured), ops server, Kafka admin (readiness probe), producer, the service's
 * resources, and a readiness gate, so shutdown first turns /readyz to 503, closes the HTTP
 * server after the work in flight, and flushes the last spans at the very end.
 */
export async function startServiceRuntime<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  config: C,
  logger: Logger,
): Promise<LifecyclePart[]> {
  const { name } = definition;
  logger.info(`starting ${name}`, {
    event: 'starting',
    httpHost: config.HTTP_HOST,
    httpPort: config.HTTP_PORT,
    kafkaBrokers: config.KAFKA_BROKERS,
    kafkaClientId: config.KAFKA_CLIENT_ID,
  });
  const parts: LifecyclePart[] = [];
  // First, so the service's work is traced from its first record, and stopped last, so the
  // spans of the last batches are sent before the process exits.
  const tracing = startTracing(tracingSettings(config, name), logger);
  if (tracing.enabled) parts.push({ name: 'tracing', stop: () => tracing.shutdown() });
  const metrics = createMetrics(name);
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    logger,
  });
  const kafkaHealth = kafkaHealthResource(kafka);
  const readiness = createReadiness([cachedCheck(kafkaHealth)], logger);

  let httpHandler: http.RequestListener | undefined;
  const ops = await startOpsServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    registry: metrics.registry,
    renderMetrics: definition.renderMetrics?.(metrics.registry),
    isReady: () => readiness.isReady(),
    logger,
    fallback: (req, res) => {
      if (httpHandler) return httpHandler(req, res);
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: 'starting' }));
    },
  });
  parts.push({ name: 'ops-server', stop: () => ops.close() }, kafkaHealth);

  const producer = createProducer(kafka);
  await producer.connect();
  parts.push({ name: 'kafka-producer', stop: () => producer.disconnect() });

  const resources =
    (await definition.setup?.({
      name,
      config,
      logger,
      metrics,
      kafka,
      producer,
      serveHttp: (handler) => {
        httpHandler = handler;
      },
    })) ?? [];
  for (const resource of resources) {
    parts.push(resource);
    const check = resource.check?.bind(resource);
    if (check) readiness.addCheck(cachedCheck({ name: resource.name, check }));
  }

  // A service that serves no HTTP of its own answers other paths with 404 once started.
  httpHandler ??= (req, res) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not_found' }));
  };
  parts.push({ name: 'readiness-gate', stop: async () => readiness.markDraining() });
  readiness.markStarted();
  return parts;
}

export interface LaunchOptions {
  readonly env?: Env;
  readonly hooks?: Partial<ProcessHooks>;
  /** Where log lines go (stdout unless given). */
  readonly logStream?: NodeJS.WritableStream;
}

/**
 * A service's whole main: reads the config once, then runs the service until SIGTERM/SIGINT.
 * A bad config is one log line and exit 1. Resolves with the exit code.
 */
export async function launchService<C extends BaseServiceConfig>(
  definition: ServiceDefinition<C>,
  options: LaunchOptions = {},
): Promise<number> {
  const hooks: ProcessHooks = { ...processHooks, ...options.hooks };
  let config: C;
  try {
    config = loadConfig(definition.configSchema, options.env ?? process.env);
  } catch (error) {
    const logger = createLogger({ service: definition.name, stream: options.logStream });
    logStartupFailure(logger, definition.name, error);
    hooks.exit(1);
    return 1;
  }
  const logger = createLogger({
    service: definition.name,
    level: config.LOG_LEVEL,
    stream: options.logStream,
  });
  return runService({
    name: definition.name,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    hooks,
    start: () => startServiceRuntime(definition, config, logger),
  });
}
