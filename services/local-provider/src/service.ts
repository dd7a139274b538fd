/**
 * The local provider as a service of the shared runtime: the provider API (/v1) and the control
 * API (/control) on the runtime's port, its metrics on the runtime's registry. main.ts passes
 * the Postgres directory and ledger; tests pass in-memory ones.
 */
import type { ServiceContext, ServiceDefinition, ServiceResource } from '@bgs/platform';
import { createLocalProviderApp } from './app';
import { SERVICE_NAME, configSchema, type Config } from './config';
import type { PeopleDirectory } from './directory';
import { FaultInjector } from './faults';
import type { Ledger } from './ledger';
import { createLocalProviderMetrics } from './metrics';

export interface LocalProviderConnections {
  readonly directory: PeopleDirectory;
  /** Billing, idempotency and the request log. */
  readonly ledger: Ledger;
  /**
   * What the requests use (Postgres, the request log): checked for readiness, and stopped only
   * after the HTTP server has answered the requests in flight.
   */
  readonly resources: readonly ServiceResource[];
}

/** Opens the directory and ledger the provider answers from, once the runtime is up. */
export type OpenConnections = (
  context: ServiceContext<Config>,
) => Promise<LocalProviderConnections> | LocalProviderConnections;

export function localProviderService(openConnections: OpenConnections): ServiceDefinition<Config> {
  return {
    name: SERVICE_NAME,
    configSchema,
    setup: async (context) => {
      const { config, logger } = context;
      const connections = await openConnections(context);
      const stopping = new AbortController();
      const faults = new FaultInjector({
        latencyMs: config.FAULT_LATENCY_MS,
        failRate: config.FAULT_RATE,
        failStatus: config.FAULT_STATUS,
      });
      const app = createLocalProviderApp({
        apiKey: config.PROVIDER_API_KEY,
        directory: connections.directory,
        faults,
        ledger: connections.ledger,
        metrics: createLocalProviderMetrics(context.metrics.registry),
        logger,
        stopping: stopping.signal,
      });
      context.serveHttp(app, connections.resources);
      logger.info('local provider listening', {
        event: 'listening',
        host: config.HTTP_HOST,
        port: context.httpPort,
        faults: faults.settings(),
      });
      // Stopped right after readiness turns 503, before the HTTP server closes: injected waits
      // end at once (503), so the requests in flight finish, and only then the pool closes.
      return [{ name: 'injected-waits', stop: async () => stopping.abort() }];
    },
  };
}
