import type { TopicCodec } from '../kafka/topic-codec';
import { PoisonMessageError, classifyFailure } from './failure-class';
import type { Decoder } from './stage-record';

/**
 * Avro values of a topic. An empty value or bytes that are not such a record are poison; a
 * registry that does not answer (the schema is not cached yet) is not: that failure is thrown
 * as it is, so the record is retried until the registry is back.
 */
export function avroDecoder<T>(codec: TopicCodec<T>): Decoder<T> {
  return async ({ value }) => {
    if (value === null) throw new PoisonMessageError('empty value');
    try {
      return await codec.decode(value);
    } catch (error) {
      if (classifyFailure(error) === 'transient') throw error;
      throw new PoisonMessageError(
        `not a ${codec.topic} Avro record: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}
