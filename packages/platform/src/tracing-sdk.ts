/**
 * The OpenTelemetry SDK, wired from validated settings (tracing.ts). Loaded only when tracing is
 * on. Manual instrumentation only: auto-instrumentation packages would patch every module the
 * services load and cost memory each service (under 150 MB RSS) does not have to spare.
 */
import { DiagLogLevel, context, diag, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Logger } from 'winston';
import { setTracingActive } from './trace-context';
import type { TracesSampler } from './config';
import type { TracingOn } from './tracing-settings';

/** The sampler OTEL_TRACES_SAMPLER names, as the specification defines each. */
export function samplerOf(name: TracesSampler, ratio: number): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

function exporterOf(settings: TracingOn): SpanExporter {
  const config = {
    url: settings.url,
    headers: { ...settings.headers },
    ...(settings.timeoutMillis !== undefined ? { timeoutMillis: settings.timeoutMillis } : {}),
  };
  return settings.protocol === 'http/json'
    ? new JsonTraceExporter(config)
    : new ProtobufTraceExporter(config);
}

/** Only what the values say is set: unset ones keep the SDK's defaults (and its env fallbacks). */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

export function startSdk(
  settings: TracingOn,
  logger: Logger,
  exporter: SpanExporter = exporterOf(settings),
): { forceFlush(): Promise<void>; shutdown(): Promise<void> } {
  // The SDK's own complaints (an export that failed, a collector that is away) go to our log.
  const log = logger.child({ component: 'tracing' });
  diag.setLogger(
    {
      error: (message, ...args) => log.warn(message, { event: 'tracing_diagnostic', args }),
      warn: (message, ...args) => log.warn(message, { event: 'tracing_diagnostic', args }),
      info: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        ...settings.resourceAttributes,
        [ATTR_SERVICE_NAME]: settings.serviceName,
        'process.pid': process.pid,
      }),
    ),
    sampler: samplerOf(settings.sampler, settings.samplerRatio),
    spanProcessors: [new BatchSpanProcessor(exporter, definedOnly(settings.batch))],
  });
  // The W3C trace context alone: it is what travels in the Kafka headers (trace-context.ts).
  provider.register({ propagator: new W3CTraceContextPropagator() });
  setTracingActive(true);
  return {
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      setTracingActive(false);
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
        diag.disable();
      }
    },
  };
}
