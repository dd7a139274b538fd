import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { context } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  SpanKind,
  createLogger,
  loadConfig,
  startSpan,
  startTracing,
  tracingConfigShape,
  tracingSettings,
  withRecordSpans,
  z,
} from '@bgs/platform';
import { createHttpProvider, type HttpProviderOptions } from './http-provider';
import { ProviderError, type EnrichContactsRequest, type EnrichmentProvider } from './port';

// ---------------------------------------------------------------- a scriptable provider

interface Recorded {
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Milliseconds, monotonic, when the request was fully received. */
  readonly at: number;
}

type Answer = (req: Recorded, res: http.ServerResponse) => void;

interface TestServer {
  readonly url: string;
  readonly requests: Recorded[];
  /** Answers in order; the last one repeats. */
  script(...answers: Answer[]): void;
  readonly maxInFlight: () => number;
  close(): Promise<void>;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Answer =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/** Never answers: the client's timeout must end the attempt. */
const hang: Answer = () => undefined;

async function startServer(): Promise<TestServer> {
  const requests: Recorded[] = [];
  let answers: Answer[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => (inFlight -= 1));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: Recorded = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: performance.now(),
      };
      requests.push(recorded);
      const answer = answers.length > 1 ? answers.shift() : answers[0];
      (answer ?? json(500, { error: 'unscripted' }))(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (...next) => {
      answers = next;
    },
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------- fixtures

const API_KEY = 'sk-test-7d1f0c2a9b';

const enrichRequest = (idempotencyKey = 'enrich-key-1'): EnrichContactsRequest => ({
  idempotencyKey,
  companyId: 'company-1',
  people: [
    { personId: 'p-1', fullName: 'Ada Lovelace', title: 'CTO', department: 'Engineering' },
    { personId: 'p-2', fullName: null, title: null, department: null },
  ],
});

const enrichReply = {
  contacts: [
    {
      personId: 'p-1',
      email: 'ada.lovelace@example.com',
      phone: '+1 555 010 4242',
      linkedinUrl: 'https://www.linkedin.com/in/ada-lovelace-1a2b3c',
      verified: true,
    },
    { personId: 'p-2', email: null, phone: null, linkedinUrl: null, verified: false },
  ],
};

const researchReply = {
  companySummary: 'Example Corp builds examples.',
  insights: [{ personId: 'p-1', summary: 'Technical decision maker.', priorities: ['security'] }],
};

function memoryLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger({ service: 'provider-test', level: 'debug', stream }), lines };
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  const values = metric?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want))
    .reduce((sum, v) => sum + v.value, 0);
}

// ---------------------------------------------------------------- the tests

describe('createHttpProvider', () => {
  let server: TestServer;
  let registry: Registry;
  let logs: ReturnType<typeof memoryLogger>;

  const provider = (overrides: Partial<HttpProviderOptions> = {}): EnrichmentProvider =>
    createHttpProvider(
      {
        baseUrl: server.url,
        apiKey: API_KEY,
        timeoutMs: 2_000,
        maxAttempts: 3,
        backoffBaseMs: 1,
        backoffMaxMs: 5_000,
        concurrency: 8,
        breakerThreshold: 100,
        breakerHalfOpenMs: 60_000,
        ...overrides,
      },
      { logger: logs.logger, registry },
    );

  beforeEach(async () => {
    server = await startServer();
    registry = new Registry();
    logs = memoryLogger();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await server.close();
  });

  it('posts the contract body with auth and idempotency headers, and returns the reply', async () => {
    server.script(json(200, enrichReply));
    const reply = await provider().enrichContacts(enrichRequest());
    expect(reply).toEqual(enrichReply);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/contacts/enrich');
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers['idempotency-key']).toBe('enrich-key-1');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual({
      companyId: 'company-1',
      people: enrichRequest().people,
    });
    expect(
      await metricValue(registry, 'bgs_provider_requests_total', {
        operation: 'enrich',
        outcome: 'ok',
      }),
    ).toBe(1);
  });

  it('calls POST /v1/research for research', async () => {
    server.script(json(200, researchReply));
    const reply = await provider().research({ ...enrichRequest('research-key') });
    expect(reply).toEqual(researchReply);
    expect(server.requests[0]?.path).toBe('/v1/research');
  });

  it('sends only the contract fields of each person', async () => {
    server.script(json(200, { contacts: [enrichReply.contacts[0]] }));
    const person = { personId: 'p-1', fullName: 'A', title: null, department: null, ssn: 'x' };
    await provider().enrichContacts({ idempotencyKey: 'k', companyId: 'c', people: [person] });
    expect(JSON.parse(server.requests[0]?.body ?? '').people).toEqual([
      { personId: 'p-1', fullName: 'A', title: null, department: null },
    ]);
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    server.script(
      json(429, { error: 'slow down' }, { 'retry-after': '1' }),
      json(200, enrichReply),
    );
    await expect(provider().enrichContacts(enrichRequest())).resolves.toEqual(enrichReply);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    // Timers never fire early; a little slack for the clock reading on either side.
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
    expect(
      await metricValue(registry, 'bgs_provider_requests_total', { outcome: 'rate_limited' }),
    ).toBe(1);
  });

  it('caps Retry-After at backoffMaxMs', async () => {
    server.script(json(503, {}, { 'retry-after': '3600' }), json(200, enrichReply));
    await expect(provider({ backoffMaxMs: 20 }).enrichContacts(enrichRequest())).resolves.toEqual(
      enrichReply,
    );
    const [first, second] = server.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeLessThan(1_000);
  });

  it('retries 500s with the same idempotency key and body until one succeeds', async () => {
    server.script(json(500, {}), json(500, {}), json(200, enrichReply));
    await expect(provider().enrichContacts(enrichRequest())).resolves.toEqual(enrichReply);
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.headers['idempotency-key']))).toEqual(
      new Set(['enrich-key-1']),
    );
    expect(new Set(server.requests.map((r) => r.body)).size).toBe(1);
    expect(
      await metricValue(registry, 'bgs_provider_requests_total', { outcome: 'server_error' }),
    ).toBe(2);
  });

  it('gives up after maxAttempts with a retryable server_error', async () => {
    server.script(json(500, { error: 'down' }));
    const error = await rejection(provider({ maxAttempts: 3 }).enrichContacts(enrichRequest()));
    expect(error).toMatchObject({ kind: 'server_error', retryable: true, status: 500 });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 400, and says why it was rejected', async () => {
    server.script(json(400, { error: 'invalid_request', reason: 'people[0].personId: required' }));
    const error = await rejection(provider().enrichContacts(enrichRequest()));
    expect(error).toMatchObject({ kind: 'rejected', retryable: false, status: 400 });
    expect(error.message).toContain('people[0].personId');
    expect(server.requests).toHaveLength(1);
    expect(
      await metricValue(registry, 'bgs_provider_requests_total', { outcome: 'rejected' }),
    ).toBe(1);
  });

  it('treats 408 as a retryable timeout', async () => {
    server.script(json(408, {}));
    const error = await rejection(provider({ maxAttempts: 2 }).enrichContacts(enrichRequest()));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true, status: 408 });
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a reply that is not JSON as malformed, after retrying', async () => {
    server.script(json(200, '{"contacts": [oops'));
    const error = await rejection(provider({ maxAttempts: 2 }).enrichContacts(enrichRequest()));
    expect(error).toMatchObject({ kind: 'malformed_reply', retryable: true });
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a reply of the wrong shape as malformed', async () => {
    server.script(json(200, { contacts: [{ personId: 'p-1', email: 42 }] }));
    const error = await rejection(provider({ maxAttempts: 1 }).enrichContacts(enrichRequest()));
    expect(error).toMatchObject({ kind: 'malformed_reply', retryable: true });
    expect(error.message).toContain('contacts.0');
    expect(
      await metricValue(registry, 'bgs_provider_requests_total', { outcome: 'malformed_reply' }),
    ).toBe(1);
  });

  it('refuses strings beyond their bounds as malformed', async () => {
    const long = { ...researchReply, companySummary: 'x'.repeat(8_001) };
    server.script(json(200, long));
    const error = await rejection(provider({ maxAttempts: 1 }).research(enrichRequest()));
    expect(error.kind).toBe('malformed_reply');
  });

  it('refuses a reply about people it was not asked about', async () => {
    const stranger = { ...enrichReply.contacts[1], personId: 'p-999' };
    server.script(json(200, { contacts: [stranger] }));
    const error = await rejection(provider({ maxAttempts: 1 }).enrichContacts(enrichRequest()));
    expect(error.kind).toBe('malformed_reply');
  });

  it('times out an attempt that gets no answer, and retries it', async () => {
    server.script(hang);
    const error = await rejection(
      provider({ timeoutMs: 50, maxAttempts: 2 }).enrichContacts(enrichRequest()),
    );
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(error.message).toContain('50 ms');
    expect(server.requests).toHaveLength(2);
  });

  it('reports an unreachable provider as a retryable network error', async () => {
    const closed = await startServer();
    const url = closed.url;
    await closed.close();
    const unreachable = createHttpProvider(
      {
        baseUrl: url,
        apiKey: API_KEY,
        timeoutMs: 1_000,
        maxAttempts: 2,
        backoffBaseMs: 1,
        backoffMaxMs: 5,
        concurrency: 1,
        breakerThreshold: 10,
        breakerHalfOpenMs: 1_000,
      },
      { logger: logs.logger, registry },
    );
    const error = await rejection(unreachable.enrichContacts(enrichRequest()));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('opens the circuit after the threshold and then fails fast without a request', async () => {
    server.script(json(500, {}));
    const client = provider({ maxAttempts: 1, breakerThreshold: 2 });
    await rejection(client.enrichContacts(enrichRequest('a')));
    await rejection(client.research(enrichRequest('b')));
    expect(await metricValue(registry, 'bgs_provider_circuit_state')).toBe(2);

    const error = await rejection(client.enrichContacts(enrichRequest('c')));
    expect(error).toMatchObject({ kind: 'circuit_open', retryable: true });
    expect(server.requests).toHaveLength(2);
  });

  it('stops retrying once the circuit opens mid-call', async () => {
    server.script(json(500, {}));
    const error = await rejection(
      provider({ maxAttempts: 5, breakerThreshold: 2 }).enrichContacts(enrichRequest()),
    );
    expect(error.kind).toBe('circuit_open');
    expect(server.requests).toHaveLength(2);
  });

  it('lets one trial call through after breakerHalfOpenMs and closes on success', async () => {
    server.script(json(500, {}), json(200, enrichReply));
    const client = provider({ maxAttempts: 1, breakerThreshold: 1, breakerHalfOpenMs: 60_000 });
    await rejection(client.enrichContacts(enrichRequest('a')));
    expect((await rejection(client.enrichContacts(enrichRequest('b')))).kind).toBe('circuit_open');

    // The breaker measures the open period with Date.now(); move it past the period.
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 60_001);
    await expect(client.enrichContacts(enrichRequest('c'))).resolves.toEqual(enrichReply);
    expect(await metricValue(registry, 'bgs_provider_circuit_state')).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('does not count rejected requests (4xx) towards opening the circuit', async () => {
    server.script(json(422, {}));
    const client = provider({ maxAttempts: 1, breakerThreshold: 1 });
    await rejection(client.enrichContacts(enrichRequest('a')));
    const second = await rejection(client.enrichContacts(enrichRequest('b')));
    expect(second.kind).toBe('rejected');
    expect(server.requests).toHaveLength(2);
  });

  it('never has more than `concurrency` requests in flight', async () => {
    const total = 7;
    const limit = 2;
    const held: http.ServerResponse[] = [];
    // Hold answers until `limit` requests wait together (or the last one arrived): with a
    // working limit the calls go through in waves of two, without one they would pile up.
    server.script((req, res) => {
      held.push(res);
      if (held.length >= limit || server.requests.length === total) {
        for (const r of held.splice(0)) json(200, { contacts: [] })(req, r);
      }
    });
    const client = provider({ concurrency: limit });
    const calls = Array.from({ length: total }, (_, i) =>
      client.enrichContacts(enrichRequest(`key-${i}`)),
    );
    await expect(Promise.all(calls)).resolves.toHaveLength(total);
    expect(server.requests).toHaveLength(total);
    expect(server.maxInFlight()).toBe(limit);
  });

  it('never puts the API key in an error message or a log line', async () => {
    // A provider that echoes what it was sent, credentials included.
    server.script((req, res) =>
      json(401, { error: 'unauthorized', got: req.headers.authorization })(req, res),
    );
    const error = await rejection(provider().enrichContacts(enrichRequest()));
    expect(error.kind).toBe('rejected');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.lines.join('\n')).not.toContain(API_KEY);
  });

  it('refuses an idempotency key that cannot be sent as a header, without a request', async () => {
    const error = await rejection(provider().enrichContacts(enrichRequest('bad key\n')));
    expect(error).toMatchObject({ kind: 'rejected', retryable: false });
    expect(server.requests).toHaveLength(0);
  });

  it('stops at once when the caller aborts, even while backing off', async () => {
    const controller = new AbortController();
    server.script((req, res) => {
      json(503, {}, { 'retry-after': '3600' })(req, res);
      controller.abort();
    });
    const error = await rejection(
      provider({ backoffMaxMs: 200 }).enrichContacts(enrichRequest(), controller.signal),
    );
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(error.message).toContain('aborted');
  });

  it('logs each failed attempt with its operation and kind', async () => {
    server.script(json(502, {}), json(200, enrichReply));
    await provider().enrichContacts(enrichRequest());
    const entries = logs.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        event: 'provider_attempt_failed',
        operation: 'enrich',
        attempt: 1,
        kind: 'server_error',
        status: 502,
        idempotencyKey: 'enrich-key-1',
      }),
    );
  });

  it('records attempt durations per operation', async () => {
    server.script(json(200, enrichReply));
    await provider().enrichContacts(enrichRequest());
    expect(await registry.metrics()).toMatch(
      /^bgs_provider_request_duration_seconds_count\{operation="enrich"\} 1$/m,
    );
  });

  it("makes each call one client span, the child of its company's record span", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(
      tracingSettings(
        loadConfig(z.object(tracingConfigShape()), { OTEL_TRACES_EXPORTER: 'otlp' }),
        'enricher',
      ),
      logs.logger,
      { exporter },
    );
    try {
      server.script(json(502, {}), json(200, enrichReply));
      const record = startSpan('process buyer-group.discovered', context.active());
      const other = startSpan('process buyer-group.discovered', context.active());
      const batch = withRecordSpans(
        context.active(),
        new Map([
          ['company-0', other],
          ['company-1', record],
        ]),
      );
      await context.with(batch, () => provider().enrichContacts(enrichRequest()));
      record.end();
      other.end();
      await tracing.forceFlush();

      const call = exporter.getFinishedSpans().find((s) => s.name === 'provider enrich');
      expect(call?.kind).toBe(SpanKind.CLIENT);
      expect(call?.parentSpanContext?.spanId).toBe(record.spanContext().spanId);
      expect(call?.events.map((e) => [e.name, e.attributes])).toEqual([
        ['attempt failed', { attempt: 1, kind: 'server_error', status: 502 }],
      ]);
      expect(call?.attributes).toMatchObject({
        'bgs.provider.operation': 'enrich',
        'bgs.company_id': 'company-1',
        'bgs.provider.people': 2,
      });
      // our trace context is not handed to the third party
      expect(server.requests.every((r) => r.headers.traceparent === undefined)).toBe(true);
    } finally {
      await tracing.shutdown();
    }
  });

  it('shares its metrics when two adapters use one registry', () => {
    expect(() => {
      provider();
      provider();
    }).not.toThrow();
  });
});
