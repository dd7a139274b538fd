/**
 * The routing step's inputs, decoded and validated. Anything that fails here can never succeed
 * as it is, so it is poison: it goes to the dead-letter topic with the reason.
 */
import {
  parseDebeziumCompaniesEvent,
  parseDebeziumPeopleEvent,
  type Change,
  type Parsed,
} from '@bgs/domain';
import {
  PoisonMessageError,
  Topics,
  avroDecoder,
  type Decoder,
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

function mapped<T>(codec: TopicCodec<T>, map: (record: T) => RoutedInput): Decoder<RoutedInput> {
  const decode = avroDecoder(codec);
  return async (message) => {
    const record = await decode(message);
    return record === undefined ? undefined : map(record);
  };
}

/** What the routing step reads: row changes of both captured tables, and refresh requests. */
export const ROUTE_TOPICS = [
  Topics.cdcPeople,
  Topics.cdcCompanies,
  Topics.refreshRequests,
] as const;

/** One decoder per topic of ROUTE_TOPICS, no more and no fewer (the type says so). */
export function routeDecoders(codecs: {
  readonly refreshRequests: TopicCodec<RefreshRequestRecord>;
}): Record<(typeof ROUTE_TOPICS)[number], Decoder<RoutedInput>> {
  return {
    [Topics.cdcPeople]: cdcDecoder(parseDebeziumPeopleEvent),
    [Topics.cdcCompanies]: cdcDecoder(parseDebeziumCompaniesEvent),
    [Topics.refreshRequests]: mapped(codecs.refreshRequests, (request) => ({
      type: 'request',
      request,
    })),
  };
}
