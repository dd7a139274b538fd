/**
 * Tracing's one place: whether it is on, from the standard `OTEL_*` variables (declared in
 * config.ts; the settings are tracing-settings.ts's, re-exported here), and starting and stopping
 * the OpenTelemetry SDK with its OTLP/HTTP exporter.
 *
 * Off unless configured: without an OTLP endpoint (or `OTEL_TRACES_EXPORTER=otlp`) no SDK is
 * loaded or started, the spans of trace-context.ts are the API's no-ops and no header changes.
 * The service runtime starts it before the service's work and shuts it down last, flushing
 * the spans still queued.
 */
import type { Logger } from 'winston';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TracingSettings } from './tracing-settings';

export {
  DEFAULT_OTLP_ENDPOINT,
  tracesUrl,
  tracingSettings,
  type TracingOn,
  type TracingSettings,
} from './tracing-settings';

export interface Tracing {
  readonly enabled: boolean;
  /** Sends the spans ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops the SDK and unregisters it from the API. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = {
  enabled: false,
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
};

export interface StartTracingOptions {
  /** Instead of the OTLP exporter (tests). */
  readonly exporter?: SpanExporter;
}

/**
 * Starts the SDK when the settings say so. The SDK's modules are loaded only then: a service
 * with tracing off holds none of them in memory.
 */
export function startTracing(
  settings: TracingSettings,
  logger: Logger,
  options: StartTracingOptions = {},
): Tracing {
  if (!settings.enabled) return OFF;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('./tracing-sdk') as typeof import('./tracing-sdk');
  const started = sdk.startSdk(settings, logger, options.exporter);
  logger.info('tracing on', {
    event: 'tracing_started',
    url: settings.url,
    protocol: settings.protocol,
    sampler: settings.sampler,
    serviceName: settings.serviceName,
  });
  return { enabled: true, ...started };
}
