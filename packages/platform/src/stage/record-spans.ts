/**
 * The spans of a stage's handling: one per record, child of the record's `traceparent`.
 *
 * Why this shape: a handler takes a whole slice of a partition at once (the enricher's calls run
 * side by side, the sink saves a slice in one transaction), so no part of its work belongs to
 * one record alone, yet each record continues its own trace: the change it carries came from
 * one webhook or one row. So every record gets its own span, all started when the slice's
 * handling starts and ended once its transaction commits (or the slice is held or abandoned);
 * each span bears a `batch` event saying which slice it was handled in. The handler sees each
 * record with its span's `traceparent` (outputs built with passThroughHeaders continue the
 * trace from there), and runs in a context that knows each record's span by Kafka key, so work
 * for one company (a provider call) is a child of that company's record span (`inSpan`). A slice
 * of one record runs with that record's span active, so its logs carry the trace's ids.
 *
 * With tracing off the records are handed over as they are and nothing is started.
 */
import { context, trace } from '@opentelemetry/api';
import {
  SpanKind,
  contextOfTraceparent,
  headersWithSpan,
  recordFailure,
  startSpan,
  tracingActive,
  withRecordSpans,
  type Attributes,
  type Span,
} from '../trace-context';
import { Headers } from './headers';
import type { StageRecord } from './stage-record';

export interface SliceOf {
  readonly stage: string;
  readonly groupId: string;
  /** The topic and partition the slice was fetched from (a retry tier's, for retried work). */
  readonly topic: string;
  readonly partition: number;
}

export interface RecordSpans<T> {
  /** The records as the handler sees them, aligned with those given. */
  readonly records: readonly StageRecord<T>[];
  /** Runs the handler on the whole slice in the slice's context. */
  all<R>(work: () => Promise<R>): Promise<R>;
  /** Runs the handler on the record at `index` alone (a failed slice is handled one by one). */
  one<R>(index: number, work: () => Promise<R>): Promise<R>;
  /** The record at `index` failed. */
  failed(index: number, error: unknown): void;
  /** Ends every span; `outcome` says how the slice ended when it was not committed. */
  end(outcome?: 'held' | 'abandoned'): void;
}

/** The span of one record's handling: semantic conventions for messaging, plus ours. */
export function recordSpanAttributes(record: StageRecord<unknown>, slice: SliceOf): Attributes {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': record.topic,
    'messaging.destination.partition.id': String(record.partition),
    'messaging.kafka.offset': Number(record.offset),
    'messaging.consumer.group.name': slice.groupId,
    ...(record.key !== null ? { 'messaging.kafka.message.key': record.key } : {}),
    'bgs.stage': slice.stage,
    'bgs.attempt': record.attempt,
  };
}

/** The `batch` event every record span of a slice bears. */
export function sliceEventAttributes(
  records: readonly StageRecord<unknown>[],
  slice: SliceOf,
): Attributes {
  return {
    'messaging.batch.message_count': records.length,
    'messaging.destination.name': slice.topic,
    'messaging.destination.partition.id': String(slice.partition),
    'bgs.batch.first_offset': records[0]?.offset ?? '',
    'bgs.batch.last_offset': records.at(-1)?.offset ?? '',
  };
}

/** The spans by Kafka key: of a company's several records in a slice, the newest (as handlers fold them). */
export function spansByKey<T>(
  records: readonly StageRecord<T>[],
  spans: readonly Span[],
): Map<string, Span> {
  const byKey = new Map<string, Span>();
  records.forEach((record, index) => {
    const span = spans[index];
    if (record.key !== null && span) byKey.set(record.key, span);
  });
  return byKey;
}

const untraced = <T>(records: readonly StageRecord<T>[]): RecordSpans<T> => ({
  records,
  all: (work) => work(),
  one: (_index, work) => work(),
  failed: () => undefined,
  end: () => undefined,
});

export function startRecordSpans<T>(
  records: readonly StageRecord<T>[],
  slice: SliceOf,
): RecordSpans<T> {
  if (!tracingActive() || records.length === 0) return untraced(records);
  const event = sliceEventAttributes(records, slice);
  const spans = records.map((record) => {
    const span = startSpan(
      `process ${record.topic}`,
      contextOfTraceparent(record.headers[Headers.traceparent]),
      { kind: SpanKind.CONSUMER, attributes: recordSpanAttributes(record, slice) },
    );
    span.addEvent('batch', event);
    return span;
  });
  const traced = records.map((record, index) => {
    const span = spans[index] as Span;
    return { ...record, headers: headersWithSpan(record.headers, span) };
  });
  const sliceContext = withRecordSpans(
    spans.length === 1 ? trace.setSpan(context.active(), spans[0] as Span) : context.active(),
    spansByKey(records, spans),
  );
  return {
    records: traced,
    all: (work) => context.with(sliceContext, work),
    one: (index, work) => {
      const span = spans[index] as Span;
      span.addEvent('handled alone', { reason: 'the slice failed as a whole' });
      const alone = withRecordSpans(
        trace.setSpan(context.active(), span),
        spansByKey([records[index] as StageRecord<T>], [span]),
      );
      return context.with(alone, work);
    },
    failed: (index, error) => {
      const span = spans[index];
      if (span) recordFailure(span, error);
    },
    end: (outcome) => {
      for (const span of spans) {
        if (outcome) span.addEvent(outcome);
        span.end();
      }
    },
  };
}
