/**
 * Whether tracing is on, and how: the settings the standard `OTEL_*` variables (declared in
 * config.ts) give. Pure. Both tracing.ts (which decides whether to load the SDK) and
 * tracing-sdk.ts (loaded only when tracing is on) read these, so they live apart from both.
 */
import type { OtlpProtocol, TracesSampler, TracingConfig } from './config';

/** OTLP/HTTP's default endpoint (the specification's). */
export const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

export interface TracingOn {
  readonly enabled: true;
  readonly serviceName: string;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Where spans are sent: the traces endpoint itself. */
  readonly url: string;
  readonly protocol: OtlpProtocol;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMillis: number | undefined;
  readonly sampler: TracesSampler;
  /** The ratio of the `*traceidratio` samplers. */
  readonly samplerRatio: number;
  readonly batch: {
    readonly scheduledDelayMillis: number | undefined;
    readonly exportTimeoutMillis: number | undefined;
    readonly maxQueueSize: number | undefined;
    readonly maxExportBatchSize: number | undefined;
  };
}

export type TracingSettings = TracingOn | { readonly enabled: false; readonly why: string };

/**
 * The traces URL: the signal's own endpoint as given, else the base endpoint with `v1/traces`
 * appended (the specification's rule: the base may have a path of its own).
 */
export function tracesUrl(base: string | undefined, traces: string | undefined): string {
  if (traces !== undefined) return traces;
  return `${(base ?? DEFAULT_OTLP_ENDPOINT).replace(/\/+$/, '')}/v1/traces`;
}

/** Whether tracing is on, and how, from the service's configuration. Pure. */
export function tracingSettings(config: TracingConfig, serviceName: string): TracingSettings {
  if (config.OTEL_SDK_DISABLED) return { enabled: false, why: 'OTEL_SDK_DISABLED is true' };
  if (config.OTEL_TRACES_EXPORTER === 'none') {
    return { enabled: false, why: 'OTEL_TRACES_EXPORTER is none' };
  }
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesEndpoint = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (
    endpoint === undefined &&
    tracesEndpoint === undefined &&
    config.OTEL_TRACES_EXPORTER !== 'otlp'
  ) {
    return { enabled: false, why: 'no OTLP endpoint is configured' };
  }
  return {
    enabled: true,
    // The specification's order: OTEL_SERVICE_NAME, then service.name among the attributes.
    serviceName:
      config.OTEL_SERVICE_NAME ?? config.OTEL_RESOURCE_ATTRIBUTES?.['service.name'] ?? serviceName,
    resourceAttributes: config.OTEL_RESOURCE_ATTRIBUTES ?? {},
    url: tracesUrl(endpoint, tracesEndpoint),
    protocol:
      config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ??
      config.OTEL_EXPORTER_OTLP_PROTOCOL ??
      'http/protobuf',
    headers: { ...config.OTEL_EXPORTER_OTLP_HEADERS, ...config.OTEL_EXPORTER_OTLP_TRACES_HEADERS },
    timeoutMillis: config.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? config.OTEL_EXPORTER_OTLP_TIMEOUT,
    sampler: config.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on',
    samplerRatio: config.OTEL_TRACES_SAMPLER_ARG ?? 1,
    batch: {
      scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY,
      exportTimeoutMillis: config.OTEL_BSP_EXPORT_TIMEOUT,
      maxQueueSize: config.OTEL_BSP_MAX_QUEUE_SIZE,
      maxExportBatchSize: config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
    },
  };
}
