/**
 * The ingress application in-process, wired exactly as main.ts wires it, to the real stack:
 * the stack's Postgres, Kafka (acks=all) and schema registry. Tests choose the sources.
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Server } from 'node:http';
import { Pool } from 'pg';
import { createLogger, createSchemaCodec, Registry, type SchemaCodec } from '@bgs/platform';
import { SETTING_DEFAULTS } from '../../services/ingress/src/config';
import { parseSources, SourceRegistry } from '../../services/ingress/src/webhooks/sources';
import {
  createIngressProducer,
  wireIngress,
  type IngressSettings,
} from '../../services/ingress/src/wiring';
import { standardWebhooksHeaders } from './signers';
import { stack, uniqueName } from './stack';

export interface RunningIngress {
  readonly url: string;
  readonly sources: SourceRegistry;
  readonly registry: Registry;
  readonly codec: SchemaCodec;
  readonly pool: Pool;
  /** Replaces the sources, as a SIGHUP reload of the sources file does. */
  setSources(declaration: object): void;
  close(): Promise<void>;
}

export const DEFAULT_SETTINGS: IngressSettings = SETTING_DEFAULTS;

export async function startIngress(
  declaration: object,
  settings: Partial<IngressSettings> = {},
): Promise<RunningIngress> {
  // Kafka outages are expected in some tests; their connection errors would only be noise.
  const logger = createLogger({ service: 'ingress-test', level: 'error', stream: discard() });
  const sources = new SourceRegistry(parseSources(declaration, {}));
  const pool = new Pool({ connectionString: stack.databaseUrl, max: 20 });
  const producer = createIngressProducer({
    brokers: stack.kafkaBrokers,
    clientId: uniqueName('ingress'),
    logger,
  });
  await producer.connect();
  const codec = createSchemaCodec({ url: stack.registryUrl });
  const registry = new Registry();
  const app = wireIngress(
    { sources, pool, producer, codec, registry, logger },
    { ...DEFAULT_SETTINGS, ...settings },
  );
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sources,
    registry,
    codec,
    pool,
    setSources: (next) => sources.replace(parseSources(next, {})),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await producer.disconnect();
      await pool.end();
    },
  };
}

/** A seed-shaped event body; `overrides` replace top-level fields. */
export function roleChange(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: uniqueName('evt'),
    source: 'provider',
    type: 'person.role_change',
    timestamp: new Date().toISOString(),
    person: {
      id: uniqueName('person'),
      name: 'Ada Lovelace',
      oldTitle: 'VP Sales',
      newTitle: 'CRO',
    },
    company: { id: uniqueName('co'), name: 'Acme' },
    changes: { title: { old: 'VP Sales', new: 'CRO' } },
    ...overrides,
  };
}

const discard = (): Writable =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

/**
 * Posts `payload` as JSON to `source`'s webhook route, signed the Standard Webhooks way with a
 * new message id; the answer's body is read, so the connection is free again.
 */
export async function postSignedWebhook(
  ingress: Pick<RunningIngress, 'url'>,
  source: string,
  secret: string,
  payload: object,
): Promise<{ readonly status: number; readonly headers: Headers }> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${ingress.url}/webhooks/${source}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...standardWebhooksHeaders(secret, uniqueName('msg'), body),
    },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, headers: response.headers };
}
