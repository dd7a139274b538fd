/**
 * no-valid-dead-letters: the chaos traffic sends only valid records, and a dependency outage
 * must be waited out (retry tiers, then held), never dead-lettered. So any record of the run in
 * a `<stage>.dlq` topic after the offsets it had when the run started is a violation.
 *
 * A dead letter is the run's when its key is one of the run's companies (every topic after the
 * CDC sources is keyed by company) or when its value names one: decoded (Avro from the
 * registry, or the JSON of a Debezium event) it holds a run company or a run person in a field
 * that says so, or, when it cannot be decoded at all, its bytes hold a run company id as an
 * Avro string or a JSON string. Dead letters of other runs are counted in a note.
 */
import type { RawRecord } from '../kafka/topic-reader';
import { avroString } from '../avro/wire';
import type { InvariantResult, Violation } from '../types';

export interface DeadLetter {
  readonly record: RawRecord;
  /** The value decoded, or undefined when it could not be. */
  readonly decoded: unknown;
}

/** What belongs to the run: its companies, and the people its changes were about. */
export interface RunScope {
  readonly companyIds: ReadonlySet<string>;
  readonly personIds: ReadonlySet<string>;
}

export interface DeadLettersInput extends RunScope {
  readonly deadLetters: readonly DeadLetter[];
}

const NAME = 'no-valid-dead-letters' as const;

const COMPANY_FIELDS = ['companyId', 'previousCompanyId', 'company_id'] as const;
const PERSON_FIELDS = ['personId', 'id'] as const;

const asObject = (value: unknown): Record<string, unknown> | undefined =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;

/** The objects a decoded value names its subjects in: itself and Debezium's row images. */
function subjectsOf(decoded: unknown): Record<string, unknown>[] {
  const top = asObject(decoded);
  if (top === undefined) return [];
  const payload = asObject(top.payload) ?? top;
  return [top, payload, asObject(payload.before), asObject(payload.after)].filter(
    (o): o is Record<string, unknown> => o !== undefined,
  );
}

function namesRun(decoded: unknown, input: RunScope): boolean {
  return subjectsOf(decoded).some(
    (subject) =>
      COMPANY_FIELDS.some((f) => input.companyIds.has(String(subject[f]))) ||
      PERSON_FIELDS.some((f) => f !== 'id' && input.personIds.has(String(subject[f]))) ||
      // A row image's `id` is a person id only in a people row (it has a company_id).
      ('company_id' in subject && input.personIds.has(String(subject.id))),
  );
}

/** Whether undecodable bytes hold a run company id as an Avro or a JSON string. */
function bytesNameRun(value: Buffer, companyIds: ReadonlySet<string>): boolean {
  for (const companyId of companyIds) {
    if (value.includes(avroString(companyId))) return true;
    if (value.includes(Buffer.from(JSON.stringify(companyId), 'utf8'))) return true;
  }
  return false;
}

export function isRunDeadLetter(letter: DeadLetter, input: RunScope): boolean {
  const { key, value } = letter.record;
  if (key !== null && input.companyIds.has(key)) return true;
  if (letter.decoded !== undefined) return namesRun(letter.decoded, input);
  return value !== null && bytesNameRun(value, input.companyIds);
}

function describe(letter: DeadLetter): string {
  const { topic, partition, offset, key, headers } = letter.record;
  const origin = headers['bgs-original-topic']
    ? ` from ${headers['bgs-original-topic']} ${headers['bgs-original-partition'] ?? '?'}:${headers['bgs-original-offset'] ?? '?'}`
    : '';
  return (
    `${topic} ${partition}:${offset} key ${key ?? 'null'}${origin}, ` +
    `${headers['bgs-error-kind'] ?? 'unknown kind'} after ${headers['bgs-attempt'] ?? '?'} attempts: ` +
    `bgs-error ${JSON.stringify(headers['bgs-error'] ?? null)}`
  );
}

const companyOf = (letter: DeadLetter, input: RunScope): string | undefined => {
  const { key } = letter.record;
  if (key !== null && input.companyIds.has(key)) return key;
  for (const subject of subjectsOf(letter.decoded)) {
    const found = COMPANY_FIELDS.map((f) => String(subject[f])).find((v) =>
      input.companyIds.has(v),
    );
    if (found !== undefined) return found;
  }
  return undefined;
};

export function evaluateDeadLetters(input: DeadLettersInput): InvariantResult {
  const violations: Violation[] = [];
  let others = 0;
  for (const letter of input.deadLetters) {
    if (!isRunDeadLetter(letter, input)) {
      others += 1;
      continue;
    }
    violations.push({
      invariant: NAME,
      companyId: companyOf(letter, input),
      detail: describe(letter),
    });
  }
  return {
    name: NAME,
    checked: input.deadLetters.length,
    violations,
    ...(others > 0
      ? { notes: [`${others} dead letters since the run started are not the run's`] }
      : {}),
  };
}
