import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import express from 'express';
import type { IHeaders } from 'kafkajs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  Registry,
  SpanKind,
  createLogger,
  loadConfig,
  spanContextOf,
  startTracing,
  tracingConfigShape,
  tracingSettings,
  z,
  type Tracing,
} from '@bgs/platform';
import { createIngressMetrics } from '../metrics';
import type { ClaimStore } from './claims';
import type { PersonChangePublisher } from './publish';
import { createWebhookRouter, isServerError, webhookRequestAttributes } from './router';
import { SourceRegistry, type WebhookSource } from './sources';

const SECRET = 'whsec-router-test';
const SOURCE: WebhookSource = {
  name: 'legacy',
  scheme: 'legacy-hmac',
  secrets: [SECRET],
  eventTypes: ['person.role_change'],
  rateLimit: { perSecond: 100 },
};
const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const quiet = createLogger({
  service: 'ingress',
  stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

/** An ingress door with everything behind the intake faked: claims always granted, publishes kept. */
async function startDoor(): Promise<{
  url: string;
  published: IHeaders[];
  close(): Promise<void>;
}> {
  const published: IHeaders[] = [];
  const claims: ClaimStore = {
    claim: async () => ({ kind: 'claimed', id: 'claim-1', takenOver: false }),
    markEnqueued: async () => undefined,
    release: async () => undefined,
    status: async () => undefined,
  };
  const publisher: PersonChangePublisher = {
    publish: async (_key, _value, headers) => void published.push(headers ?? {}),
  };
  const app = express().use(
    '/webhooks',
    createWebhookRouter({
      sources: new SourceRegistry(new Map([[SOURCE.name, SOURCE]])),
      claims,
      publisher,
      metrics: createIngressMetrics(new Registry()),
      logger: quiet,
      bodyLimitBytes: 65_536,
      toleranceMs: 300_000,
      inFlightWaitMs: 1_000,
    }),
  );
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    published,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A signed role change, sent with the caller's traceparent. */
async function deliver(url: string): Promise<number> {
  const body = JSON.stringify({
    id: 'evt_router_1',
    type: 'person.role_change',
    timestamp: new Date().toISOString(),
    person: { id: 'person_1', newTitle: 'CTO' },
    company: { id: 'company_1' },
    changes: { title: { old: 'VP Engineering', new: 'CTO' } },
  });
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${body}`).digest('hex');
  const response = await fetch(`${url}/webhooks/legacy`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-signature': signature,
      'x-timestamp': timestamp,
      traceparent: CALLER,
    },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

describe('the webhook request span', () => {
  let door: Awaited<ReturnType<typeof startDoor>>;
  let tracing: Tracing | undefined;

  beforeEach(async () => {
    door = await startDoor();
  });

  afterEach(async () => {
    await door.close();
    await tracing?.shutdown();
    tracing = undefined;
  });

  it('is off with tracing off: the caller’s traceparent travels on unchanged', async () => {
    expect(await deliver(door.url)).toBe(202);
    expect(door.published[0]?.traceparent).toBe(CALLER);
  });

  it('is the child of the caller’s span, and the published record carries it on', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing(
      tracingSettings(
        loadConfig(z.object(tracingConfigShape()), { OTEL_TRACES_EXPORTER: 'otlp' }),
        'ingress',
      ),
      quiet,
      { exporter },
    );
    expect(await deliver(door.url)).toBe(202);
    await tracing.forceFlush();

    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('POST /webhooks/:source');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/webhooks/:source',
      'url.path': '/webhooks/legacy',
      'bgs.webhook.source': 'legacy',
      'bgs.webhook.outcome': 'enqueued',
      'http.response.status_code': 202,
    });
    const carried = spanContextOf(String(door.published[0]?.traceparent));
    expect(carried?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(carried?.spanId).toBe(span?.spanContext().spanId);
  });
});

describe('webhookRequestAttributes and isServerError', () => {
  it('name the route, not the source, as the span name does; a 5xx alone fails the span', () => {
    expect(webhookRequestAttributes('/webhooks/demo', undefined)).toEqual({
      'http.request.method': 'POST',
      'http.route': '/webhooks/:source',
      'url.path': '/webhooks/demo',
    });
    expect([202, 401, 429, 503].map(isServerError)).toEqual([false, false, false, true]);
  });
});
