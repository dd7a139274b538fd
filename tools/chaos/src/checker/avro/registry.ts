/**
 * Decoding Avro values as the checker's own client of the schema registry: the writer schema is
 * fetched by id (`GET /schemas/ids/{id}`, the Confluent API Apicurio serves) and, when the
 * caller names a schema of `schemas/`, resolved into it, so a record written with an older
 * compatible schema reads with the fields we expect. The registry may be restarted by a fault
 * under test (or by another run): fetches are retried for a while.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Resolver, type Schema } from 'avsc';
import { unframe } from './wire';

export type FetchFn = (url: string) => Promise<{
  readonly ok: boolean;
  readonly status: number;
  json(): Promise<unknown>;
}>;

export interface AvroDecoder {
  /** The decoded value; throws when it is not framed or its schema is unknown. */
  decode(value: Buffer, readerSchema?: Type): Promise<unknown>;
}

export interface DecoderOptions {
  readonly fetch?: FetchFn;
  /** How long one schema may take to fetch, retries included (default 60 s). */
  readonly timeoutMs?: number;
  readonly retryDelayMs?: number;
}

/** The repository's schemas/ folder, from src/checker/avro or dist/checker/avro alike. */
const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'schemas');

/** A schema of the repository's `schemas/` folder, e.g. `buyer-group.avsc`. */
export function readerSchema(file: string): Type {
  const text = readFileSync(path.join(SCHEMAS_DIR, file), 'utf8');
  return Type.forSchema(JSON.parse(text) as Schema);
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function fetchSchema(
  url: string,
  fetchFn: FetchFn,
  timeoutMs: number,
  retryDelayMs: number,
): Promise<Type> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetchFn(url);
      // 404: the id is not known, now or later. Other statuses: the registry is not itself yet.
      if (response.status === 404) throw new UnknownSchemaError(url);
      if (response.ok) {
        const body = (await response.json()) as { schema?: unknown };
        if (typeof body.schema !== 'string') throw new Error(`${url}: no schema in the answer`);
        return Type.forSchema(JSON.parse(body.schema) as Schema);
      }
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      if (error instanceof UnknownSchemaError) throw error;
      lastError = error instanceof Error ? error.message : String(error);
    }
    await delay(retryDelayMs);
  }
  throw new Error(`${url}: ${lastError} (gave up after ${timeoutMs} ms)`);
}

export class UnknownSchemaError extends Error {
  constructor(url: string) {
    super(`${url}: no such schema`);
    this.name = 'UnknownSchemaError';
  }
}

const defaultFetch: FetchFn = (url) => fetch(url, { signal: AbortSignal.timeout(5_000) });

export function createAvroDecoder(registryUrl: string, options: DecoderOptions = {}): AvroDecoder {
  const fetchFn = options.fetch ?? defaultFetch;
  const base = registryUrl.replace(/\/+$/, '');
  const writers = new Map<number, Promise<Type>>();
  // Per reader schema, per writer id: building a resolver is far dearer than using one.
  const resolvers = new Map<Type, Map<number, Resolver>>();

  const writerOf = (id: number): Promise<Type> => {
    let writer = writers.get(id);
    if (writer === undefined) {
      writer = fetchSchema(
        `${base}/schemas/ids/${id}`,
        fetchFn,
        options.timeoutMs ?? 60_000,
        options.retryDelayMs ?? 1_000,
      );
      // A failed fetch is not remembered: the next value may find the registry back.
      writer.catch(() => writers.delete(id));
      writers.set(id, writer);
    }
    return writer;
  };

  return {
    async decode(value, reader) {
      const framed = unframe(value);
      if (framed === undefined) throw new Error('not in the Confluent wire format');
      const writer = await writerOf(framed.schemaId);
      if (reader === undefined) return writer.fromBuffer(framed.body);
      let byWriter = resolvers.get(reader);
      if (byWriter === undefined) resolvers.set(reader, (byWriter = new Map()));
      let resolver = byWriter.get(framed.schemaId);
      if (resolver === undefined) {
        resolver = reader.createResolver(writer);
        byWriter.set(framed.schemaId, resolver);
      }
      return reader.fromBuffer(framed.body, resolver);
    },
  };
}
