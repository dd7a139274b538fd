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
import { SchemaRegistryError, registryHttp, type RegistryHttp } from './registry-http';

export { SchemaRegistryError };

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

const isNotFound = (error: unknown): boolean =>
  error instanceof SchemaRegistryError && error.status === 404;

/** The subject's own compatibility level, or undefined when the subject has no config. */
async function subjectCompatibility(
  http: RegistryHttp,
  subject: string,
): Promise<string | undefined> {
  try {
    const config = await http<{ compatibilityLevel?: string; compatibility?: string }>(
      'GET',
      `/config/${encodeURIComponent(subject)}`,
    );
    return (config?.compatibilityLevel ?? config?.compatibility)?.toUpperCase();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The schema as registered: compact JSON, so the same schema always reads the same. */
function canonicalSchema(avroSchemaJson: string | object): string {
  return typeof avroSchemaJson === 'string'
    ? JSON.stringify(JSON.parse(avroSchemaJson))
    : JSON.stringify(avroSchemaJson);
}

/**
 * Registers into `subject` under `compatibility`: set before registering into an existing
 * subject (so the new version is checked against it), right after creating a new one.
 */
async function registerSchema(
  http: RegistryHttp,
  subject: string,
  avroSchemaJson: string | object,
  compatibility: Compatibility,
): Promise<number> {
  const schema = canonicalSchema(avroSchemaJson);
  const path = encodeURIComponent(subject);
  const setCompatibility = (): Promise<unknown> =>
    http('PUT', `/config/${path}`, { compatibility });
  let current = await subjectCompatibility(http, subject);
  if (current !== undefined && current !== compatibility) {
    try {
      await setCompatibility();
    } catch (error) {
      // a registry that reports a level for a subject that does not exist yet
      if (!isNotFound(error)) throw error;
      current = undefined;
    }
  }
  const { id } = await http<{ id: number }>('POST', `/subjects/${path}/versions`, {
    schemaType: SchemaType.AVRO,
    schema,
  });
  if (current === undefined) await setCompatibility();
  return id;
}

export function createSchemaCodec(options: SchemaCodecOptions): SchemaCodec {
  const base = options.url.replace(/\/+$/, '');
  const http = registryHttp(base, options.requestTimeoutMs ?? 10_000);
  const registry = new SchemaRegistry({
    host: base,
    ...(options.clientId ? { clientId: options.clientId } : {}),
  });
  return {
    register: (subject, avroSchemaJson, compatibility = DEFAULT_COMPATIBILITY) =>
      registerSchema(http, subject, avroSchemaJson, compatibility),
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
        await http('GET', '/config');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new DependencyUnavailableError('schema registry', message, { cause: error });
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
