import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { captureLogs } from '../test-support/log-capture';
import { inSpan, spanContextOf } from '../trace-context';
import { startTracing, tracingSettings } from '../tracing';
import { tracingConfigShape, loadConfig, z } from '../config';
import { startRecordSpans } from './record-spans';
import type { StageRecord } from './stage-consumer';

const slice = {
  stage: 'enricher',
  groupId: 'enricher',
  topic: 'buyer-group.discovered',
  partition: 2,
};

const upstream = (n: number) => `00-${String(n).repeat(32)}-${String(n).repeat(16)}-01`;

function record(key: string | null, offset: string, traceparent?: string): StageRecord<string> {
  return {
    topic: 'buyer-group.discovered',
    partition: 2,
    offset,
    key,
    value: `work of ${key}`,
    headers: { ...(traceparent ? { traceparent } : {}), replay: 'evt-9' },
    timestamp: 1,
    attempt: 0,
  };
}

const start = (exporter: InMemorySpanExporter) =>
  startTracing(
    tracingSettings(
      loadConfig(z.object(tracingConfigShape()), { OTEL_TRACES_EXPORTER: 'otlp' }),
      'x',
    ),
    captureLogs().logger,
    { exporter },
  );

describe('startRecordSpans', () => {
  it('hands the records over untouched and starts nothing while tracing is off', async () => {
    const records = [record('co-1', '4', upstream(1))];
    const spans = startRecordSpans(records, slice);
    expect(spans.records).toBe(records);
    await expect(spans.all(async () => trace.getActiveSpan())).resolves.toBeUndefined();
    spans.end();
  });

  it('makes one span per record, child of its traceparent, handed on in its headers', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = start(exporter);
    try {
      const records = [
        record('co-1', '4', upstream(1)),
        record('co-2', '5'),
        record('co-1', '6', upstream(3)),
      ];
      const spans = startRecordSpans(records, slice);
      const calls = await spans.all(() =>
        Promise.all(
          ['co-1', 'co-2'].map((key) =>
            inSpan(`provider call for ${key}`, { key }, async (span) => span),
          ),
        ),
      );
      spans.end();
      await tracing.forceFlush();

      const finished = exporter.getFinishedSpans();
      const processed = finished.filter((s) => s.name === 'process buyer-group.discovered');
      expect(processed).toHaveLength(3);
      const [first, second, third] = processed;
      // child of the record's own traceparent; a record without one starts a trace
      expect(first?.parentSpanContext?.spanId).toBe('1'.repeat(16));
      expect(first?.spanContext().traceId).toBe('1'.repeat(32));
      expect(second?.parentSpanContext).toBeUndefined();
      expect(third?.parentSpanContext?.spanId).toBe('3'.repeat(16));
      expect(first?.kind).toBe(SpanKind.CONSUMER);
      expect(first?.attributes).toMatchObject({
        'messaging.system': 'kafka',
        'messaging.destination.name': 'buyer-group.discovered',
        'messaging.kafka.offset': 4,
        'messaging.kafka.message.key': 'co-1',
        'bgs.stage': 'enricher',
      });
      // the slice as an event on each
      expect(first?.events[0]).toMatchObject({
        name: 'batch',
        attributes: { 'messaging.batch.message_count': 3, 'bgs.batch.first_offset': '4' },
      });

      // the handler sees each record with its own span's traceparent, other headers kept
      spans.records.forEach((seen, index) => {
        const own = processed[index]?.spanContext();
        expect(spanContextOf(seen.headers.traceparent)?.spanId).toBe(own?.spanId);
        expect(seen.headers.replay).toBe('evt-9');
      });
      expect(records[0]?.headers.traceparent).toBe(upstream(1)); // the delivered record as it was

      // work for a company is the child of that company's newest record in the slice
      const [forCo1, forCo2] = calls;
      const parentOf = (span: typeof forCo1) =>
        finished.find((s) => s.spanContext().spanId === span?.spanContext().spanId)
          ?.parentSpanContext?.spanId;
      expect(parentOf(forCo1)).toBe(third?.spanContext().spanId);
      expect(parentOf(forCo2)).toBe(second?.spanContext().spanId);
    } finally {
      await tracing.shutdown();
    }
  });

  it('makes a slice of one record its active span, and marks failures and holds', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = start(exporter);
    try {
      const single = startRecordSpans([record('co-1', '7', upstream(1))], slice);
      const active = await single.all(async () => trace.getActiveSpan()?.spanContext().spanId);
      single.failed(0, new Error('registry down'));
      single.end('held');

      const two = startRecordSpans([record('co-1', '8'), record('co-2', '9')], slice);
      await expect(two.all(async () => trace.getActiveSpan())).resolves.toBeUndefined();
      const alone = await two.one(1, async () => trace.getActiveSpan()?.spanContext().spanId);
      two.end();
      await tracing.forceFlush();

      const [held, , second] = exporter.getFinishedSpans();
      expect(active).toBe(held?.spanContext().spanId);
      expect(held?.status.code).toBe(2);
      expect(held?.events.map((e) => e.name)).toEqual(['batch', 'exception', 'held']);
      expect(alone).toBe(second?.spanContext().spanId);
      expect(second?.events.map((e) => e.name)).toEqual(['batch', 'handled alone']);
    } finally {
      await tracing.shutdown();
    }
  });
});
