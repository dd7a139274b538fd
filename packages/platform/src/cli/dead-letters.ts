/**
 * node packages/platform/dist/cli/dead-letters.js <command> <stage> [...]
 *
 *   list   <stage>                         one line per dead letter: where, why, attempts
 *   show   <stage> [--reveal] <partition>:<offset>...
 *                                          one dead letter whole: headers and decoded value
 *   replay <stage> <partition>:<offset>... send those back to their original topic
 *   replay <stage> --all                   send back every one not replayed before
 *
 * Stages: refresher, enricher, sink. Reads KAFKA_BROKERS (default 127.0.0.1:59092) and, for
 * show, SCHEMA_REGISTRY_URL (default http://127.0.0.1:58081/apis/ccompat/v7) to decode Avro.
 * list and show mask e-mail addresses and phone numbers; show --reveal prints them as they are.
 */
import { createKafka, createProducer } from '../kafka/client';
import { createSchemaCodec } from '../kafka/schema-codec';
import { Stages, type Stage } from '../kafka/topics';
import { createLogger } from '../logger';
import {
  hostPortListField,
  loadConfig,
  urlField,
  DEFAULT_KAFKA_BROKERS,
  DEFAULT_SCHEMA_REGISTRY_URL,
} from '../config';
import { z } from 'zod';
import { readDeadLetters, replayAll, replayDeadLetters } from '../stage/dead-letters';
import { USAGE, parseDeadLetterArgs, type DeadLetterCommand } from './dead-letter-args';
import { classifyValue, describeLetter, showLetter, type ShownValue } from './dead-letter-output';

const configSchema = z.object({
  KAFKA_BROKERS: hostPortListField({ default: DEFAULT_KAFKA_BROKERS }),
  SCHEMA_REGISTRY_URL: urlField(['http', 'https'], { default: DEFAULT_SCHEMA_REGISTRY_URL }),
});

/** Avro values decoded with the registry; anything it cannot decode stays bytes, with why. */
async function decoded(
  value: Buffer | null,
  decode: (bytes: Buffer) => Promise<unknown>,
): Promise<ShownValue> {
  const shown = classifyValue(value);
  if (shown.kind !== 'bytes' || shown.bytes[0] !== 0) return shown;
  try {
    return { kind: 'record', record: await decode(shown.bytes) };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ...shown, reason: `not decoded: ${why}` };
  }
}

async function run(command: Exclude<DeadLetterCommand, { kind: 'help' }>): Promise<number> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'dead-letters', level: 'warn' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'dead-letters', logger });
  const stage: Stage = command.stage;

  if (command.kind === 'list') {
    const letters = await readDeadLetters(kafka, stage);
    for (const letter of letters) console.log(describeLetter(letter, { reveal: false }));
    console.log(
      `${letters.length} dead letter(s) in ${stage}.dlq, ${letters.filter((l) => !l.replayed).length} pending`,
    );
    return 0;
  }

  const letters = await readDeadLetters(kafka, stage);
  const wanted = command.kind === 'replay-all' ? [] : command.positions;
  const chosen = wanted.map((position) => {
    const letter = letters.find(
      (l) => l.partition === position.partition && l.offset === position.offset,
    );
    if (!letter)
      throw new Error(`no dead letter at ${position.partition}:${position.offset} in ${stage}.dlq`);
    return letter;
  });

  if (command.kind === 'show') {
    const codec = createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL, clientId: 'dead-letters' });
    for (const letter of chosen) {
      const value = await decoded(letter.value, (bytes) => codec.decode(bytes));
      for (const line of showLetter(letter, value, { reveal: command.reveal })) console.log(line);
    }
    return 0;
  }

  const producer = createProducer(kafka);
  await producer.connect();
  try {
    const replayed =
      command.kind === 'replay-all'
        ? await replayAll(kafka, producer, stage)
        : (await replayDeadLetters(producer, chosen), chosen);
    for (const letter of replayed)
      console.log(`replayed ${letter.partition}:${letter.offset} → ${letter.originalTopic}`);
    console.log(`${replayed.length} dead letter(s) replayed`);
  } finally {
    await producer.disconnect();
  }
  return 0;
}

const parsed = parseDeadLetterArgs(process.argv.slice(2), Stages);
if (!parsed.ok) {
  console.error(parsed.error);
  process.exit(2);
}
if (parsed.command.kind === 'help') {
  console.log(USAGE);
  process.exit(0);
}
run(parsed.command).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
