import { SpanKind, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConfigError, loadConfig, tracingConfigShape, z, type Env } from './config';
import { captureLogs } from './test-support/log-capture';
import {
  activeTraceparent,
  headersWithSpan,
  inSpan,
  spanContextOf,
  startLinkedSpan,
  startSpan,
  tracingActive,
  withRecordSpans,
} from './trace-context';
import { startTracing } from './tracing';
import { tracesUrl, tracingSettings, type TracingOn } from './tracing-settings';

const schema = z.object(tracingConfigShape());
const settingsOf = (env: Env) => tracingSettings(loadConfig(schema, env), 'enricher');

describe('tracingSettings: off unless configured', () => {
  it('is off without an OTLP endpoint, whatever else is set', () => {
    expect(settingsOf({})).toEqual({ enabled: false, why: 'no OTLP endpoint is configured' });
    expect(settingsOf({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_SERVICE_NAME: 'x' }).enabled).toBe(
      false,
    );
  });

  it('is on with an endpoint, sending to its v1/traces, protobuf and parent-based by default', () => {
    expect(settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      enabled: true,
      serviceName: 'enricher',
      resourceAttributes: {},
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      headers: {},
      timeoutMillis: undefined,
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      batch: {
        scheduledDelayMillis: undefined,
        exportTimeoutMillis: undefined,
        maxQueueSize: undefined,
        maxExportBatchSize: undefined,
      },
    });
  });

  it('prefers the traces endpoint, protocol, headers and timeout over the general ones', () => {
    const settings = settingsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://general:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/custom/path',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-team=bgs,authorization=Basic%20abc',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20t',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000',
    }) as TracingOn;
    expect(settings.url).toBe('https://traces.example/custom/path');
    expect(settings.protocol).toBe('http/json');
    expect(settings.headers).toEqual({ 'x-team': 'bgs', authorization: 'Bearer t' });
    expect(settings.timeoutMillis).toBe(2000);
  });

  it('is on with OTEL_TRACES_EXPORTER=otlp alone, at the default endpoint', () => {
    expect((settingsOf({ OTEL_TRACES_EXPORTER: 'otlp' }) as TracingOn).url).toBe(
      'http://localhost:4318/v1/traces',
    );
  });

  it.each([
    [{ OTEL_SDK_DISABLED: 'true' }, 'OTEL_SDK_DISABLED is true'],
    [{ OTEL_TRACES_EXPORTER: 'none' }, 'OTEL_TRACES_EXPORTER is none'],
  ])('is off when %j, even with an endpoint', (env, why) => {
    expect(settingsOf({ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toEqual({
      enabled: false,
      why,
    });
  });

  it('names the service by OTEL_SERVICE_NAME, then service.name among the resource attributes', () => {
    const base = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' };
    const attributes = 'service.name=from-attrs,deployment.environment=staging';
    expect(
      (settingsOf({ ...base, OTEL_RESOURCE_ATTRIBUTES: attributes }) as TracingOn).serviceName,
    ).toBe('from-attrs');
    const named = settingsOf({
      ...base,
      OTEL_RESOURCE_ATTRIBUTES: attributes,
      OTEL_SERVICE_NAME: 'enricher-eu',
    }) as TracingOn;
    expect(named.serviceName).toBe('enricher-eu');
    expect(named.resourceAttributes).toEqual({
      'service.name': 'from-attrs',
      'deployment.environment': 'staging',
    });
  });

  it('takes the sampler and the batch processor settings', () => {
    const settings = settingsOf({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_BSP_SCHEDULE_DELAY: '100',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '64',
    }) as TracingOn;
    expect(settings.sampler).toBe('parentbased_traceidratio');
    expect(settings.samplerRatio).toBe(0.25);
    expect(settings.batch).toMatchObject({ scheduledDelayMillis: 100, maxExportBatchSize: 64 });
  });

  it('refuses at start-up what it cannot honour, naming each variable, headers unshown', () => {
    const bad = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_TRACES_SAMPLER: 'alwayson',
      OTEL_TRACES_SAMPLER_ARG: '2',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization',
      OTEL_BSP_SCHEDULE_DELAY: 'soon',
    };
    let error: unknown;
    try {
      loadConfig(schema, bad);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues.map((i) => i.variable).sort()).toEqual(Object.keys(bad).sort());
    expect(issues.find((i) => i.variable === 'OTEL_EXPORTER_OTLP_PROTOCOL')?.message).toMatch(
      /grpc is not supported/,
    );
    expect((error as Error).message).not.toContain('"authorization"');
  });
});

describe('tracesUrl', () => {
  it.each([
    [undefined, undefined, 'http://localhost:4318/v1/traces'],
    ['http://c:4318', undefined, 'http://c:4318/v1/traces'],
    ['http://c:4318/prefix/', undefined, 'http://c:4318/prefix/v1/traces'],
    ['http://c:4318', 'http://t:4318/exactly/this', 'http://t:4318/exactly/this'],
  ])('%s and %s → %s', (base, traces, url) => {
    expect(tracesUrl(base, traces)).toBe(url);
  });
});

describe('startTracing', () => {
  it('does nothing when off: no SDK, spans stay no-ops, headers untouched', async () => {
    const { logger } = captureLogs();
    const tracing = startTracing(settingsOf({}), logger);
    expect(tracing.enabled).toBe(false);
    expect(tracingActive()).toBe(false);
    const span = startSpan('x', context.active());
    expect(span.isRecording()).toBe(false);
    expect(headersWithSpan({ traceparent: 'tp' }, span)).toEqual({ traceparent: 'tp' });
    await tracing.shutdown();
  });

  it('records spans with the service name, carries them in headers, and unregisters on shutdown', async () => {
    const { logger, entries } = captureLogs();
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(
      settingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }),
      logger,
      { exporter },
    );
    try {
      expect(entries).toContainEqual(expect.objectContaining({ event: 'tracing_started' }));
      const parent = spanContextOf(`00-${'a'.repeat(32)}-${'b'.repeat(16)}-01`)!;
      const origin = trace.setSpanContext(context.active(), parent);
      const traceparent = await inSpan('outer', { kind: SpanKind.INTERNAL }, async () =>
        context.with(origin, () => inSpan('work', {}, async () => activeTraceparent())),
      );
      const linked = startLinkedSpan('refresh', [undefined, traceparent]);
      const headers = headersWithSpan({ replay: 'evt-1' }, linked);
      linked.end();
      await tracing.forceFlush();

      const spans = exporter.getFinishedSpans();
      const work = spans.find((s) => s.name === 'work')!;
      expect(work.spanContext().traceId).toBe('a'.repeat(32));
      expect(work.parentSpanContext?.spanId).toBe('b'.repeat(16));
      expect(work.resource.attributes['service.name']).toBe('enricher');
      expect(traceparent).toBe(`00-${'a'.repeat(32)}-${work.spanContext().spanId}-01`);
      const refresh = spans.find((s) => s.name === 'refresh')!;
      expect(refresh.parentSpanContext?.spanId).toBe(work.spanContext().spanId);
      expect(refresh.links.map((l) => l.context.spanId)).toEqual([work.spanContext().spanId]);
      expect(headers).toEqual({
        replay: 'evt-1',
        traceparent: `00-${'a'.repeat(32)}-${refresh.spanContext().spanId}-01`,
      });
    } finally {
      await tracing.shutdown();
    }
    expect(tracingActive()).toBe(false);
    expect(startSpan('after', context.active()).isRecording()).toBe(false);
  });

  it('finds the span of a batch record by its key, for work done for one company', async () => {
    const { logger } = captureLogs();
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(settingsOf({ OTEL_TRACES_EXPORTER: 'otlp' }), logger, {
      exporter,
    });
    try {
      const a = startSpan('record a', context.active());
      const b = startSpan('record b', context.active());
      const batch = withRecordSpans(
        context.active(),
        new Map([
          ['co-a', a],
          ['co-b', b],
        ]),
      );
      await context.with(batch, () =>
        Promise.all([
          inSpan('provider enrich', { key: 'co-b' }, async () => undefined),
          inSpan('unkeyed', { key: 'co-unknown' }, async () => undefined),
        ]),
      );
      a.end();
      b.end();
      await tracing.forceFlush();
      const spans = exporter.getFinishedSpans();
      const call = spans.find((s) => s.name === 'provider enrich')!;
      expect(call.parentSpanContext?.spanId).toBe(b.spanContext().spanId);
      expect(spans.find((s) => s.name === 'unkeyed')?.parentSpanContext).toBeUndefined();
    } finally {
      await tracing.shutdown();
    }
  });

  it('records a failure on the span and rethrows it', async () => {
    const { logger } = captureLogs();
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(settingsOf({ OTEL_TRACES_EXPORTER: 'otlp' }), logger, {
      exporter,
    });
    try {
      await expect(
        inSpan('failing', {}, async () => {
          throw new Error('provider answered 500');
        }),
      ).rejects.toThrow('provider answered 500');
      await tracing.forceFlush();
      const [span] = exporter.getFinishedSpans();
      expect(span?.status).toEqual({ code: 2, message: 'provider answered 500' });
      expect(span?.events.map((e) => e.name)).toEqual(['exception']);
    } finally {
      await tracing.shutdown();
    }
  });
});

describe('the logger', () => {
  it('adds trace_id and span_id while a span is active, and nothing otherwise', async () => {
    const { logger, entries } = captureLogs();
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(settingsOf({ OTEL_TRACES_EXPORTER: 'otlp' }), logger, {
      exporter,
    });
    try {
      logger.info('outside');
      const ids = await inSpan('work', {}, async (span) => {
        logger.info('inside');
        return span.spanContext();
      });
      expect(entries.find((e) => e.message === 'outside')).not.toHaveProperty('trace_id');
      expect(entries.find((e) => e.message === 'inside')).toMatchObject({
        trace_id: ids.traceId,
        span_id: ids.spanId,
      });
    } finally {
      await tracing.shutdown();
    }
  });
});
