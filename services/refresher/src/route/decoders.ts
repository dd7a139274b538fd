/**
 * The routing step's inputs, decoded and validated. Anything that fails here can never succeed
 * as it is, so it is poison: it goes to the dead-letter topic with the reason.
 */
import {
  fromProviderEvent,
  parseDebeziumCompaniesEvent,
  parseDebeziumPeopleEvent,
  type Change,
  type Parsed,
} from '@bgs/domain';
import {
  PoisonMessageError,
  Topics,
  type Decoder,
  type PersonChangeRecord,
  type RefreshRequestRecord,
  type TopicCodec,
} from '@bgs/platform';
import type { RoutedInput } from './routed-input';

function cdcDecoder(parse: (value: unknown) => Parsed<Change>): Decoder<RoutedInput> {
  return ({ value }) => {
    if (value === null) return undefined; // the tombstone Debezium writes after a delete
    let json: unknown;
    try {
      json = JSON.parse(value.toString('utf8'));
    } catch {
      throw new PoisonMessageError('not JSON');
    }
    const parsed = parse(json);
    if (!parsed.ok) throw new PoisonMessageError(`not a Debezium change event: ${parsed.reason}`);
    return { type: 'change', change: parsed.value };
  };
}

function avroDecoder<T>(
  codec: TopicCodec<T>,
  map: (record: T) => RoutedInput,
): Decoder<RoutedInput> {
  return async ({ value }) => {
    if (value === null) throw new PoisonMessageError('empty value');
    let record: T;
    try {
      record = await codec.decode(value);
    } catch (error) {
      throw new PoisonMessageError(
        `not a ${codec.topic} Avro record: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return map(record);
  };
}

export function routeDecoders(codecs: {
  readonly personChanges: TopicCodec<PersonChangeRecord>;
  readonly refreshRequests: TopicCodec<RefreshRequestRecord>;
}): Record<string, Decoder<RoutedInput>> {
  return {
    [Topics.cdcPeople]: cdcDecoder(parseDebeziumPeopleEvent),
    [Topics.cdcCompanies]: cdcDecoder(parseDebeziumCompaniesEvent),
    [Topics.personChanges]: avroDecoder(codecs.personChanges, (record) => ({
      type: 'change',
      change: fromProviderEvent(record),
    })),
    [Topics.refreshRequests]: avroDecoder(codecs.refreshRequests, (request) => ({
      type: 'request',
      request,
    })),
  };
}
