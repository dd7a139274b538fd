/**
 * Starts the local provider from its configuration and connections; resolves to its parts in
 * start order. main.ts passes the Postgres directory and ledger; tests pass in-memory ones.
 */
import {
  cachedCheck,
  createMetrics,
  createReadiness,
  startOpsServer,
  type LifecyclePart,
  type Logger,
  type ServiceResource,
} from '@bgs/platform';
import { createLocalProviderApp } from './app';
import { SERVICE_NAME, type Config } from './config';
import type { PeopleDirectory } from './directory';
import { FaultInjector } from './faults';
import type { Ledger } from './ledger';
import { createLocalProviderMetrics } from './metrics';

export type LocalProviderSettings = Pick<
  Config,
  | 'HTTP_HOST'
  | 'HTTP_PORT'
  | 'PROVIDER_API_KEY'
  | 'FAULT_LATENCY_MS'
  | 'FAULT_RATE'
  | 'FAULT_STATUS'
>;

export interface LocalProviderConnections {
  readonly logger: Logger;
  readonly directory: PeopleDirectory;
  /** Billing, idempotency and the request log. */
  readonly ledger: Ledger;
  /** Opened by the caller; checked for readiness and stopped after the HTTP server. */
  readonly resources: readonly ServiceResource[];
}

export interface StartedLocalProvider {
  readonly parts: LifecyclePart[];
  /** The port bound (HTTP_PORT, or the one the OS chose for 0). */
  readonly port: number;
}

export async function startLocalProvider(
  settings: LocalProviderSettings,
  connections: LocalProviderConnections,
): Promise<StartedLocalProvider> {
  const { logger, resources } = connections;
  const metrics = createMetrics(SERVICE_NAME);
  const readiness = createReadiness(
    resources.flatMap((resource) => {
      const check = resource.check?.bind(resource);
      return check ? [cachedCheck({ name: resource.name, check })] : [];
    }),
    logger,
  );
  const stopping = new AbortController();
  const faults = new FaultInjector({
    latencyMs: settings.FAULT_LATENCY_MS,
    failRate: settings.FAULT_RATE,
    failStatus: settings.FAULT_STATUS,
  });
  const app = createLocalProviderApp({
    apiKey: settings.PROVIDER_API_KEY,
    directory: connections.directory,
    faults,
    ledger: connections.ledger,
    metrics: createLocalProviderMetrics(metrics.registry),
    logger,
    stopping: stopping.signal,
  });
  const ops = await startOpsServer({
    host: settings.HTTP_HOST,
    port: settings.HTTP_PORT,
    registry: metrics.registry,
    isReady: () => readiness.isReady(),
    logger,
    fallback: app,
  });
  logger.info('local provider listening', {
    event: 'listening',
    host: settings.HTTP_HOST,
    port: ops.port,
    faults: faults.settings(),
  });
  readiness.markStarted();
  return {
    port: ops.port,
    // Stopped in reverse: readiness turns 503, requests finish (injected waits cut short),
    // and only then the pool closes under them.
    parts: [
      ...resources,
      {
        name: 'http-server',
        stop: async () => {
          stopping.abort();
          await ops.close();
        },
      },
      { name: 'readiness-gate', stop: async () => readiness.markDraining() },
    ],
  };
}
