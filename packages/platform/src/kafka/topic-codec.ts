/**
 * Avro values of one topic, in the Confluent wire format, with the topic's registered schema.
 * The schema id is looked up once (provisioning registers it) and kept.
 */
import type { SchemaCodec } from './schema-codec';

export interface TopicCodec<T> {
  readonly topic: string;
  encode(value: T): Promise<Buffer>;
  /**
   * The registry's schema is the contract: a record that decodes with it has the shape of T.
   * Bytes that are not such a record throw.
   */
  decode(buffer: Buffer): Promise<T>;
}

export function createTopicCodec<T>(
  codec: Pick<SchemaCodec, 'encode' | 'decode' | 'latestId'>,
  topic: string,
): TopicCodec<T> {
  let schemaId: Promise<number> | undefined;
  const idOf = (): Promise<number> => {
    schemaId ??= codec.latestId(`${topic}-value`).catch((error: unknown) => {
      schemaId = undefined;
      throw error;
    });
    return schemaId;
  };
  return {
    topic,
    async encode(value) {
      return codec.encode(await idOf(), value);
    },
    async decode(buffer) {
      return (await codec.decode(buffer)) as T;
    },
  };
}
