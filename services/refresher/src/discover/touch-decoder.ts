import {
  PoisonMessageError,
  type CompanyTouchRecord,
  type Decoder,
  type TopicCodec,
} from '@bgs/platform';

export function touchDecoder(codec: TopicCodec<CompanyTouchRecord>): Decoder<CompanyTouchRecord> {
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
