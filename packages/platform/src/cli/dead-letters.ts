/**
 * node packages/platform/dist/cli/dead-letters.js <command> <stage> [...]
 *
 *   list   <stage>                         one line per dead letter: where, why, attempts
 *   show   <stage> <partition>:<offset>    one dead letter whole: headers and value
 *   replay <stage> <partition>:<offset>... send those back to their original topic
 *   replay <stage> --all                   send back every one not replayed before
 *
 * Stages: refresher, enricher, sink. Reads KAFKA_BROKERS (default 127.0.0.1:59092).
 */
import { createKafka, createProducer } from '../kafka/client';
import { Stages, type Stage } from '../kafka/topics';
import { createLogger } from '../logger';
import { hostPortListField, loadConfig, DEFAULT_KAFKA_BROKERS } from '../config';
import { z } from 'zod';
import {
  readDeadLetters,
  replayAll,
  replayDeadLetters,
  type DeadLetter,
} from '../stage/dead-letters';
import { parseDeadLetterArgs, type DeadLetterCommand } from './dead-letter-args';

const configSchema = z.object({
  KAFKA_BROKERS: hostPortListField({ default: DEFAULT_KAFKA_BROKERS }),
});

const describe = (l: DeadLetter): string =>
  [
    `${l.partition}:${l.offset}`,
    `key=${l.key ?? '-'}`,
    `from=${l.originalTopic}`,
    `attempts=${l.attempts}`,
    `failed=${l.failedAt ? new Date(l.failedAt).toISOString() : '-'}`,
    l.replayed ? 'replayed' : 'pending',
    `error=${JSON.stringify(l.error)}`,
  ].join('  ');

function printable(value: Buffer | null): string {
  if (value === null) return 'null';
  const text = value.toString('utf8');
  // Avro in the Confluent wire format starts with a zero byte: show it as base64.
  return value[0] === 0 || text.includes('\uFFFD') ? `base64:${value.toString('base64')}` : text;
}

async function run(command: DeadLetterCommand): Promise<number> {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: 'dead-letters', level: 'warn' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'dead-letters', logger });
  const stage: Stage = command.stage;

  if (command.kind === 'list') {
    const letters = await readDeadLetters(kafka, stage);
    for (const letter of letters) console.log(describe(letter));
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
    for (const letter of chosen) {
      console.log(describe(letter));
      for (const [name, value] of Object.entries(letter.headers))
        console.log(`  ${name}: ${value}`);
      console.log(`  value: ${printable(letter.value)}`);
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
run(parsed.command).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
