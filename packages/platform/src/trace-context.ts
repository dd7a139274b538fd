/**
 * Spans through the OpenTelemetry API alone, the side every service uses: a span for a piece of
 * work, the W3C `traceparent` a span hands on in a Kafka header, and a span whose work has
 * several origins (links). Without the SDK (tracing.ts starts it only when configured) every
 * call here is the API's no-op, and `tracingActive()` is false so nothing rewrites a header.
 *
 * traceparent is read and written here rather than through the global propagator: the value is
 * always W3C's (docs/pipeline.md), and a pure function of a span context can be tested alone.
 */
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  context,
  createContextKey,
  isSpanContextValid,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';

export { SpanKind, SpanStatusCode };
// The stable attribute names the services' spans use, so they need no dependency of their own.
export {
  ATTR_DB_SYSTEM_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
export type { Attributes, Span, SpanContext };

/** The instrumentation scope of every span the services record. */
export const TRACER_NAME = 'buyergroup-stream';

let active = false;

/** Whether the SDK is started (tracing.ts); until then spans are no-ops and headers untouched. */
export const tracingActive = (): boolean => active;

/** @internal For tracing.ts (and tests that start an SDK of their own). */
export function setTracingActive(on: boolean): void {
  active = on;
}

/** Looked up per span: a tracer taken at load would keep an SDK's delegate past its shutdown. */
const tracer = () => trace.getTracer(TRACER_NAME);

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The span context a W3C `traceparent` names, as a remote parent; undefined when absent or
 * invalid (all-zero ids, version ff, a version 00 value with anything after the flags).
 */
export function spanContextOf(traceparent: string | undefined): SpanContext | undefined {
  const match = TRACEPARENT.exec(traceparent?.trim() ?? '');
  if (!match) return undefined;
  const [, version, traceId = '', spanId = '', flags = '00', rest] = match;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  const spanContext: SpanContext = {
    traceId,
    spanId,
    traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** The W3C `traceparent` of a span context. */
export function traceparentOf(spanContext: SpanContext): string {
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** The context whose parent span is the one `traceparent` names (the root context if none). */
export function contextOfTraceparent(traceparent: string | undefined): Context {
  const parent = spanContextOf(traceparent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/**
 * Headers that hand `span` on: `traceparent` is the span's, so the next hop's span is its
 * child. With tracing off the headers are returned as they are (the first hop's traceparent
 * travels unchanged, as before tracing existed).
 */
export function headersWithSpan<H extends Readonly<Record<string, string>>>(
  headers: H,
  span: Span,
): H {
  if (!active) return headers;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return headers;
  return { ...headers, traceparent: traceparentOf(spanContext) };
}

/** The active span's traceparent while tracing is on, for work that leaves this process. */
export function activeTraceparent(): string | undefined {
  if (!active) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? traceparentOf(spanContext) : undefined;
}

/** Where a span with several origins hangs in the trace, and what it links to. */
export interface SpanOrigins {
  /** The newest origin: its headers are the ones that travel on (refresher's plan.ts). */
  readonly parent: SpanContext | undefined;
  /** Every distinct valid origin, the parent included, oldest first. */
  readonly links: readonly SpanContext[];
}

/**
 * The parent and links of work that merges several origins (a coalesced refresh, a saved
 * batch): one trace tree needs one parent, and picking the newest keeps the trace the one whose
 * id the refresh log records (the newest origin's headers travel on); every origin is linked,
 * so each origin's trace leads to the work that answered it. Origins given oldest first.
 */
export function originsOf(traceparents: readonly (string | undefined)[]): SpanOrigins {
  const seen = new Set<string>();
  const links: SpanContext[] = [];
  for (const traceparent of traceparents) {
    const origin = spanContextOf(traceparent);
    if (!origin || seen.has(`${origin.traceId}-${origin.spanId}`)) continue;
    seen.add(`${origin.traceId}-${origin.spanId}`);
    links.push(origin);
  }
  return { parent: links.at(-1), links };
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
}

/** A span child of `parent` (a context); ended by the caller. */
export function startSpan(name: string, parent: Context, options: SpanOptions = {}): Span {
  return tracer().startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
}

/** A span of work with several origins (originsOf): child of the newest, linked to each. */
export function startLinkedSpan(
  name: string,
  traceparents: readonly (string | undefined)[],
  options: SpanOptions = {},
): Span {
  // Nothing to parse when off: the API's no-op span is all there is.
  if (!active) return startSpan(name, ROOT_CONTEXT, options);
  const { parent, links } = originsOf(traceparents);
  const parentContext = parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
  return tracer().startSpan(
    name,
    {
      kind: options.kind,
      attributes: options.attributes,
      links: links.map((origin): Link => ({ context: origin })),
    },
    parentContext,
  );
}

/** Marks a span failed with what was thrown. */
export function recordFailure(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** Runs `work` with `span` active (its logs and the spans it starts belong to it). */
export function withActiveSpan<T>(span: Span, work: () => Promise<T>): Promise<T> {
  return context.with(trace.setSpan(context.active(), span), work);
}

/** Runs `work` with `span` active (its logs carry the span's ids), then ends the span. */
export async function runInSpan<T>(span: Span, work: (span: Span) => Promise<T>): Promise<T> {
  try {
    return await withActiveSpan(span, () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

// ---------------------------------------------------------------- records of a batch

const RECORD_SPANS = createContextKey('bgs.stage.record-spans');

/**
 * The context a stage's handler runs in: it knows the span of each record of the batch by the
 * record's Kafka key (the company), so work done for one company inside a batch handler (a
 * provider call) becomes a child of that company's record span without the handler passing it.
 */
export function withRecordSpans(parent: Context, byKey: ReadonlyMap<string, Span>): Context {
  return parent.setValue(RECORD_SPANS, byKey);
}

/** The span of the batch's record with Kafka key `key`, if the active context knows one. */
export function recordSpanOf(key: string, from: Context = context.active()): Span | undefined {
  return (from.getValue(RECORD_SPANS) as ReadonlyMap<string, Span> | undefined)?.get(key);
}

/**
 * Runs `work` in a new span: the child of the batch record keyed `key` when the handler runs
 * one (recordSpanOf), else of the active span.
 */
export function inSpan<T>(
  name: string,
  options: SpanOptions & { readonly key?: string },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const current = context.active();
  const record = options.key === undefined ? undefined : recordSpanOf(options.key, current);
  const parent = record ? trace.setSpan(current, record) : current;
  return runInSpan(startSpan(name, parent, options), work);
}
