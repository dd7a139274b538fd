/**
 * The wiring every service shares: config, logger, metrics, ops server, readiness, tracing and
 * graceful shutdown, and a Kafka client for a service whose config reads the Kafka variables.
 * A service's main only adds its own.
 */
import type http from 'node:http';
import type { z } from 'zod';
import { loadConfig, type CoreServiceConfig, type Env, type KafkaConfig } from './config';
import { cachedCheck, createReadiness, type Readiness } from './health';
import { createKafka, type Kafka } from './kafka/client';
import { kafkaHealthResource } from './kafka/health';
import { logStartupFailure, processHooks, runService } from './lifecycle';
import type { LifecyclePart, ProcessHooks } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics, type Registry } from './metrics';
import { startOpsServer } from './ops-server';
import type { ServiceResource } from './resource';
import { startTracing, tracingSettings } from './tracing';

/** What a Kafka client needs; a config with these (baseServiceConfigShape) gets one. */
export type KafkaClientConfig = Pick<KafkaConfig, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID'>;

/** The runtime's Kafka client for a service of config C: none unless C reads the brokers. */
export type KafkaOf<C> = C extends KafkaClientConfig ? Kafka : undefined;

export interface ServiceContext<C extends CoreServiceConfig> {
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** A client on KAFKA_BROKERS, for a service whose config reads them; else undefined. */
  readonly kafka: KafkaOf<C>;
  /** The port the service listens on: HTTP_PORT, or the one the OS chose for 0. */
  readonly httpPort: number;
  /**
   * Serves every path other than /healthz, /readyz and /metrics on the service's port. The
   * server closes after the service's resources on shutdown, so requests in flight finish after
   * readiness turns off. `uses` are the resources those requests need (a database pool): they
   * take part in readiness like those `setup` returns, but stop only after the server has
   * closed, so no request in flight finds them closed.
   */
  serveHttp(handler: http.RequestListener, uses?: readonly ServiceResource[]): void;
}

export interface ServiceDefinition<C extends CoreServiceConfig> {
  readonly name: string;
  readonly configSchema: z.ZodType<C, unknown>;
  /**
   * Opens the service's own resources once the runtime is up. They stop in reverse order,
   * first on shutdown (after readiness turns off); those with a `check` take part in readiness.
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

/** Whether a config reads the Kafka variables, so the service gets a client (`KafkaOf`). */
export function readsKafka<C extends CoreServiceConfig>(
  config: C,
): config is C & KafkaClientConfig {
  return 'KAFKA_BROKERS' in config && 'KAFKA_CLIENT_ID' in config;
}

export interface RuntimeParts {
  readonly tracing?: LifecyclePart;
  /** The resources the service's HTTP handler uses (`serveHttp`'s `uses`). */
  readonly httpResources: readonly LifecyclePart[];
  /** The ops server, which also serves the service's own HTTP. */
  readonly httpServer: LifecyclePart;
  readonly kafkaHealth?: LifecyclePart;
  /** What `setup` returned. */
  readonly resources: readonly LifecyclePart[];
  readonly readinessGate: LifecyclePart;
}

/**
 * The runtime's parts in the order runService takes them; it stops them in reverse, so shutdown
 * first turns /readyz to 503, stops the service's resources (consumers finish their batches),
 * then closes the HTTP server once the requests in flight are answered, then the resources
 * those requests used, and flushes the last spans at the very end.
 */
export function runtimeParts(parts: RuntimeParts): LifecyclePart[] {
  return [
    ...(parts.tracing ? [parts.tracing] : []),
    ...parts.httpResources,
    parts.httpServer,
    ...(parts.kafkaHealth ? [parts.kafkaHealth] : []),
    ...parts.resources,
    parts.readinessGate,
  ];
}

const sendJson = (res: http.ServerResponse, status: number, body: unknown, headers = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

/** The service's own HTTP on the ops server: 503 while starting, then its handler. */
function serviceHttp() {
  let handler: http.RequestListener | undefined;
  let uses: readonly ServiceResource[] = [];
  return {
    fallback: ((req, res) => {
      if (handler) return handler(req, res);
      sendJson(res, 503, { error: 'starting' }, { 'retry-after': '1' });
    }) satisfies http.RequestListener,
    serve: (listener: http.RequestListener, used: readonly ServiceResource[] = []): void => {
      handler = listener;
      uses = used;
    },
    /** The resources the handler uses, once start-up is done. */
    started: (): readonly ServiceResource[] => {
      // A service that serves no HTTP of its own answers other paths with 404 once started.
      handler ??= (_req, res) => sendJson(res, 404, { error: 'not_found' });
      return uses;
    },
  };
}

function addChecks(readiness: Readiness, resources: readonly ServiceResource[]): void {
  for (const resource of resources) {
    const check = resource.check?.bind(resource);
    if (check) readiness.addCheck(cachedCheck({ name: resource.name, check }));
  }
}

/** The Kafka client and its readiness probe, for a service whose config reads the brokers. */
function startKafka<C extends CoreServiceConfig>(config: C, logger: Logger) {
  if (!readsKafka(config)) return undefined;
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: config.KAFKA_CLIENT_ID,
    logger,
  });
  return { kafka, health: kafkaHealthResource(kafka) };
}

export interface StartedService {
  /** In the order runService takes them (runtimeParts). */
  readonly parts: LifecyclePart[];
  /** The port the service listens on: HTTP_PORT, or the one the OS chose for 0. */
  readonly port: number;
}

/**
 * Starts the shared runtime and the service's resources: tracing (when configured) first, so
 * the service's work is traced from its first record; the ops server, so /healthz answers
 * during start-up; the Kafka client (when configured); then `setup`. Readiness turns on last.
 */
export async function startServiceRuntime<C extends CoreServiceConfig>(
  definition: ServiceDefinition<C>,
  config: C,
  logger: Logger,
): Promise<StartedService> {
  const { name } = definition;
  logger.info(`starting ${name}`, {
    event: 'starting',
    httpHost: config.HTTP_HOST,
    httpPort: config.HTTP_PORT,
    ...(readsKafka(config)
      ? { kafkaBrokers: config.KAFKA_BROKERS, kafkaClientId: config.KAFKA_CLIENT_ID }
      : {}),
  });
  const tracing = startTracing(tracingSettings(config, name), logger);
  const metrics = createMetrics(name);
  const kafka = startKafka(config, logger);
  const readiness = createReadiness(kafka ? [cachedCheck(kafka.health)] : [], logger);
  const served = serviceHttp();
  const ops = await startOpsServer({
    host: config.HTTP_HOST,
    port: config.HTTP_PORT,
    registry: metrics.registry,
    renderMetrics: definition.renderMetrics?.(metrics.registry),
    isReady: () => readiness.isReady(),
    logger,
    fallback: served.fallback,
  });

  const resources =
    (await definition.setup?.({
      name,
      config,
      logger,
      metrics,
      // KafkaOf<C> cannot be narrowed on a generic C; readsKafka tests the keys it names.
      kafka: kafka?.kafka as KafkaOf<C>,
      httpPort: ops.port,
      serveHttp: served.serve,
    })) ?? [];
  const httpResources = served.started();
  addChecks(readiness, [...httpResources, ...resources]);
  readiness.markStarted();
  return {
    port: ops.port,
    parts: runtimeParts({
      tracing: tracing.enabled ? { name: 'tracing', stop: () => tracing.shutdown() } : undefined,
      httpResources,
      httpServer: { name: 'ops-server', stop: () => ops.close() },
      kafkaHealth: kafka?.health,
      resources,
      readinessGate: { name: 'readiness-gate', stop: async () => readiness.markDraining() },
    }),
  };
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
export async function launchService<C extends CoreServiceConfig>(
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
    start: async () => (await startServiceRuntime(definition, config, logger)).parts,
  });
}
