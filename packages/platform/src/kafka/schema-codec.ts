/**
 * Avro values in the Confluent wire format, with schemas in the registry.
 *
 * Encoding and decoding go through @kafkajs/confluent-schema-registry. Registration does not:
 * that library refuses to register into an existing subject whose compatibility differs from the
 * one asked for, and Apicurio (through its Confluent-compatible API, /apis/ccompat/v7) answers
 * `NONE` rather than 404 for an existing subject without a compatibility rule. So registration
 * sets the subject's compatibility itself, before registering into an existing subject (so the
 * new version is checked against it) or right after creating a new one (a rule needs a subject).
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { ServiceResource } from '../resource';
import { DependencyUnavailableError } from '../stage/failure-class';

export type Compatibility =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

export const DEFAULT_COMPATIBILITY: Compatibility = 'BACKWARD';

export interface SchemaCodecOptions {
  /** The Confluent-compatible API base, e.g. http://127.0.0.1:58081/apis/ccompat/v7 */
  readonly url: string;
  readonly clientId?: string;
  /** Per-request timeout of registration calls (default 10 s). */
  readonly requestTimeoutMs?: number;
}

export interface SchemaCodec {
  /** Registers (or finds) the Avro schema under `subject`; resolves to its registry id. */
  register(
    subject: string,
    avroSchemaJson: string | object,
    compatibility?: Compatibility,
  ): Promise<number>;
  /** Confluent wire format: magic byte 0, the 4-byte schema id, then the Avro body. */
  encode(id: number, value: unknown): Promise<Buffer>;
  /**
   * Throws `DependencyUnavailableError` when the registry does not answer (the schema is not
   * cached yet), and any other error when the bytes are not a record of a registered schema.
   */
  decode(buffer: Buffer): Promise<unknown>;
  latestId(subject: string): Promise<number>;
  /** Resolves while the registry answers (readiness). */
  check(): Promise<void>;
}

/** The registry's answers about what was asked; any other failure means it did not answer. */
const REGISTRY_ANSWERS = new Set([404, 422]);

/**
 * A registry call whose failure, unless the registry answered (not found, invalid), is the
 * registry being unavailable. The client reports a refused connection as a status 400.
 */
async function fromRegistry<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { status?: unknown } | null)?.status;
    if (typeof status !== 'number' || REGISTRY_ANSWERS.has(status)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DependencyUnavailableError('schema registry', `${what}: ${message}`, {
      cause: error,
    });
  }
}

/** Confluent wire format: magic byte 0, then the schema id (big-endian int32), then the body. */
const WIRE_HEADER_BYTES = 5;

export function wireSchemaId(buffer: Buffer): number {
  if (buffer.length < WIRE_HEADER_BYTES || buffer[0] !== 0) {
    throw new Error(
      `not the Confluent wire format (${buffer.length} bytes, magic byte ${String(buffer[0])})`,
    );
  }
  return buffer.readInt32BE(1);
}

interface AvroType {
  fromBuffer(buffer: Buffer): unknown;
}

export class SchemaRegistryError extends Error {
  override readonly name = 'SchemaRegistryError';

  constructor(
    message: string,
    readonly status: number,
    readonly errorCode?: number,
  ) {
    super(message);
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export function createSchemaCodec(options: SchemaCodecOptions): SchemaCodec {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const registry = new SchemaRegistry({
    host: base,
    ...(options.clientId ? { clientId: options.clientId } : {}),
  });

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: `${CONTENT_TYPE}, application/json`,
        ...(body !== undefined ? { 'content-type': CONTENT_TYPE } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const detail = parsed as { message?: unknown; error_code?: unknown } | undefined;
      const message = typeof detail?.message === 'string' ? detail.message : text.slice(0, 500);
      throw new SchemaRegistryError(
        `${method} ${path} failed with ${response.status}: ${message}`,
        response.status,
        typeof detail?.error_code === 'number' ? detail.error_code : undefined,
      );
    }
    return parsed as T;
  }

  const subjectPath = (subject: string): string => encodeURIComponent(subject);
  const describe = (error: unknown): string =>
    error instanceof Error ? error.message : String(error);

  /** The subject's own compatibility level, or undefined when the subject has no config. */
  async function subjectCompatibility(subject: string): Promise<string | undefined> {
    try {
      const config = await call<{ compatibilityLevel?: string; compatibility?: string }>(
        'GET',
        `/config/${subjectPath(subject)}`,
      );
      return (config?.compatibilityLevel ?? config?.compatibility)?.toUpperCase();
    } catch (error) {
      if (error instanceof SchemaRegistryError && error.status === 404) return undefined;
      throw error;
    }
  }

  const setCompatibility = (subject: string, compatibility: Compatibility): Promise<unknown> =>
    call('PUT', `/config/${subjectPath(subject)}`, { compatibility });

  return {
    async register(subject, avroSchemaJson, compatibility = DEFAULT_COMPATIBILITY) {
      const schema =
        typeof avroSchemaJson === 'string'
          ? JSON.stringify(JSON.parse(avroSchemaJson))
          : JSON.stringify(avroSchemaJson);
      let current = await subjectCompatibility(subject);
      if (current !== undefined && current !== compatibility) {
        try {
          await setCompatibility(subject, compatibility);
        } catch (error) {
          // a registry that reports a level for a subject that does not exist yet
          if (!(error instanceof SchemaRegistryError && error.status === 404)) throw error;
          current = undefined;
        }
      }
      const { id } = await call<{ id: number }>(
        'POST',
        `/subjects/${subjectPath(subject)}/versions`,
        { schemaType: SchemaType.AVRO, schema },
      );
      if (current === undefined) await setCompatibility(subject, compatibility);
      return id;
    },
    encode: (id, value) => fromRegistry(`schema ${id}`, () => registry.encode(id, value)),
    async decode(buffer) {
      const id = wireSchemaId(buffer);
      const schema = (await fromRegistry(`schema ${id}`, () => registry.getSchema(id))) as AvroType;
      return schema.fromBuffer(buffer.subarray(WIRE_HEADER_BYTES));
    },
    latestId: (subject) =>
      fromRegistry(`subject ${subject}`, () => registry.getLatestSchemaId(subject)),
    async check() {
      try {
        await call('GET', '/config');
      } catch (error) {
        throw new DependencyUnavailableError('schema registry', describe(error), { cause: error });
      }
    },
  };
}

/**
 * The registry as a readiness check of a stage: while it is down, a record whose schema the
 * stage has not cached yet cannot be decoded (it waits on its partition), so the stage is not
 * ready.
 */
export function schemaRegistryResource(codec: Pick<SchemaCodec, 'check'>): ServiceResource {
  return {
    name: 'schema-registry',
    check: () => codec.check(),
    stop: async () => undefined,
  };
}
