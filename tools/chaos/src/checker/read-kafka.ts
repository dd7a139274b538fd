/**
 * Everything the check needs from Kafka, read once: the `buyer-groups` records of the run's
 * companies (all of them, from the beginning) and the dead letters written since the run
 * started, decoded with the registry's writer schemas.
 */
import type { AvroDecoder } from './avro/registry';
import { readerSchema } from './avro/registry';
import type { DeadLetter } from './invariants/no-valid-dead-letters';
import { readTopicsToEnd, type RawRecord } from './kafka/topic-reader';
import type { BuyerGroupState, PublishedGroup } from './records';
import type { CheckInput } from './types';

/** Topic names as the pipeline's catalogue spells them (by name only: no code is shared). */
export const BUYER_GROUPS_TOPIC = 'buyer-groups';
export const DEAD_LETTER_TOPICS = ['refresher.dlq', 'enricher.dlq', 'sink.dlq'] as const;

export interface KafkaData {
  readonly published: readonly PublishedGroup[];
  readonly deadLetters: readonly DeadLetter[];
  /** buyer-groups records of the run that could not be decoded (never expected). */
  readonly undecodable: readonly string[];
  /** Partitions of buyer-groups / of the dead-letter topics not read to their end. */
  readonly incompleteGroups: readonly string[];
  readonly incompleteDeadLetters: readonly string[];
  readonly notes: readonly string[];
}

type StartOffsets = CheckInput['deadLetterOffsets'];

/** Whether a dead letter was written after the run started (unknown partition: from 0). */
export function afterRunStart(offsets: StartOffsets): (record: RawRecord) => boolean {
  return (record) => {
    const start = offsets[record.topic]?.[record.partition] ?? '0';
    return BigInt(record.offset) >= BigInt(start);
  };
}

/** A dead letter's value: Avro when framed and known to the registry, else JSON, else nothing. */
async function decodeDeadLetter(decoder: AvroDecoder, value: Buffer | null): Promise<unknown> {
  if (value === null) return undefined;
  if (value[0] === 0) {
    try {
      return await decoder.decode(value);
    } catch {
      // Not decodable with its schema id: maybe it was dead-lettered for exactly that.
    }
  }
  try {
    return JSON.parse(value.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export async function readKafka(
  input: CheckInput,
  decoder: AvroDecoder,
  timeoutMs: number,
): Promise<KafkaData> {
  const companies = new Set(input.companyIds);
  const dlqTopics = [...new Set([...DEAD_LETTER_TOPICS, ...Object.keys(input.deadLetterOffsets)])];
  const notes = dlqTopics
    .filter((topic) => input.deadLetterOffsets[topic] === undefined)
    .map((topic) => `no start offsets for ${topic}: read from its beginning`);
  const read = await readTopicsToEnd(
    input.connections.kafkaBrokers,
    [
      { topic: BUYER_GROUPS_TOPIC, keep: (r) => r.key !== null && companies.has(r.key) },
      ...dlqTopics.map((topic) => ({ topic, keep: afterRunStart(input.deadLetterOffsets) })),
    ],
    timeoutMs,
  );
  const schema = readerSchema('buyer-group.avsc');
  const published: PublishedGroup[] = [];
  const undecodable: string[] = [];
  for (const record of read.records.get(BUYER_GROUPS_TOPIC) ?? []) {
    const where = `${record.partition}:${record.offset} (key ${record.key ?? 'null'})`;
    if (record.value === null) {
      undecodable.push(`${where}: a tombstone`);
      continue;
    }
    try {
      const value = (await decoder.decode(record.value, schema)) as BuyerGroupState;
      published.push({
        key: record.key ?? '',
        partition: record.partition,
        offset: record.offset,
        value,
      });
    } catch (error) {
      undecodable.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const deadLetters: DeadLetter[] = [];
  for (const topic of dlqTopics) {
    for (const record of read.records.get(topic) ?? []) {
      deadLetters.push({ record, decoded: await decodeDeadLetter(decoder, record.value) });
    }
  }
  const isGroups = (p: string) => p.startsWith(`${BUYER_GROUPS_TOPIC}:`);
  return {
    published,
    deadLetters,
    undecodable,
    incompleteGroups: read.incomplete.filter(isGroups),
    incompleteDeadLetters: read.incomplete.filter((p) => !isGroups(p)),
    notes,
  };
}
