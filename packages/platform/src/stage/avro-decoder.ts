import type { TopicCodec } from '../kafka/topic-codec';
import { PoisonMessageError } from './failure';
import type { Decoder } from './stage-consumer';

/** Avro values of a topic; an empty value or bytes that are not such a record are poison. */
export function avroDecoder<T>(codec: TopicCodec<T>): Decoder<T> {
  return async ({ value }) => {
    if (value === null) throw new PoisonMessageError('empty value');
    try {
      return await codec.decode(value);
    } catch (error) {
      throw new PoisonMessageError(
        `not a ${codec.topic} Avro record: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}
