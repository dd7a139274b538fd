/**
 * An OTLP/HTTP traces receiver of the tests' own: a node http server that accepts
 * `POST /v1/traces` as JSON (services set `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) and keeps
 * every span it is sent, flattened, so a test can look at the traces the services export. A
 * protobuf body is accepted and discarded (nothing here decodes protobuf).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  /** The `service.name` of the resource that sent it. */
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
}

interface OtlpAnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: number | string;
  readonly doubleValue?: number;
  readonly arrayValue?: { readonly values?: readonly OtlpAnyValue[] };
}

interface OtlpKeyValue {
  readonly key: string;
  readonly value?: OtlpAnyValue;
}

interface OtlpSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind?: number;
  readonly attributes?: readonly OtlpKeyValue[];
  readonly links?: readonly { readonly traceId: string; readonly spanId: string }[];
}

interface OtlpTraces {
  readonly resourceSpans?: readonly {
    readonly resource?: { readonly attributes?: readonly OtlpKeyValue[] };
    readonly scopeSpans?: readonly { readonly spans?: readonly OtlpSpan[] }[];
  }[];
}

function valueOf(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

const attributesOf = (list: readonly OtlpKeyValue[] | undefined): Record<string, unknown> =>
  Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));

/** The spans of an OTLP/JSON export request (ids as hex, as OTLP/JSON writes them). */
export function spansOfOtlpJson(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of (body as OtlpTraces).resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ? span.parentSpanId : undefined,
          name: span.name,
          kind: span.kind ?? 0,
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
        });
      }
    }
  }
  return spans;
}

/**
 * What is wrong with a trace as one whole: it must have exactly one root, and every other span's
 * parent must be in it, or the span must link to a span of it (a coalesced refresh links to each
 * origin). Empty when the trace holds together.
 */
export function traceProblems(spans: readonly ReceivedSpan[]): string[] {
  const problems: string[] = [];
  const ids = new Set(spans.map((s) => s.spanId));
  const traceIds = new Set(spans.map((s) => s.traceId));
  if (traceIds.size !== 1) problems.push(`spans of ${traceIds.size} traces, not one`);
  const roots = spans.filter((s) => s.parentSpanId === undefined);
  if (roots.length !== 1) {
    problems.push(
      `${roots.length} roots: ${roots.map((r) => `${r.service}/${r.name}`).join(', ')}`,
    );
  }
  for (const span of spans) {
    if (span.parentSpanId === undefined || ids.has(span.parentSpanId)) continue;
    if (span.links.some((link) => ids.has(link.spanId))) continue;
    problems.push(`${span.service}/${span.name}: parent ${span.parentSpanId} is not in the trace`);
  }
  return problems;
}

export interface OtlpReceiver {
  /** The base endpoint, as `OTEL_EXPORTER_OTLP_ENDPOINT` takes it. */
  readonly endpoint: string;
  /** Every span received so far. */
  readonly spans: readonly ReceivedSpan[];
  /** Export requests received so far, JSON or not. */
  readonly requests: () => number;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      requests += 1;
      // An empty ExportTraceServiceResponse (everything accepted), in the request's encoding.
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      try {
        spans.push(...spansOfOtlpJson(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
