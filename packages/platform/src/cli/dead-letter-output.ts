/**
 * What `dead-letters list` and `show` print, as pure functions of the dead letter. A dead
 * letter is a pipeline record kept whole (people's names, titles, e-mail addresses, phone
 * numbers, the provider's webhook body), so what is printed is masked the way the logs are
 * (`maskString`, `redact`) unless `show --reveal` asks for it as it is.
 */
import type { DeadLetter } from '../stage/dead-letters';
import { maskString, redact } from '../logger';

/** A dead letter's value, ready to print. */
export type ShownValue =
  | { readonly kind: 'null' }
  /** Not Avro: UTF-8 text (Debezium's JSON change events). */
  | { readonly kind: 'text'; readonly text: string }
  /** An Avro record, decoded with its schema from the registry. */
  | { readonly kind: 'record'; readonly record: unknown }
  /** Bytes that could not be decoded, and why. */
  | { readonly kind: 'bytes'; readonly bytes: Buffer; readonly reason: string };

export interface PrintOptions {
  readonly reveal: boolean;
}

/** Whether a value is Avro in the Confluent wire format (a zero magic byte) or other binary. */
export function isBinaryValue(value: Buffer): boolean {
  return value[0] === 0 || value.toString('utf8').includes('\uFFFD');
}

/** The value as text, or as bytes to decode: the part of showing that needs no registry. */
export function classifyValue(value: Buffer | null): ShownValue {
  if (value === null) return { kind: 'null' };
  if (isBinaryValue(value)) return { kind: 'bytes', bytes: value, reason: 'not decoded' };
  return { kind: 'text', text: value.toString('utf8') };
}

const mask = (text: string, { reveal }: PrintOptions): string => (reveal ? text : maskString(text));

/** JSON that survives what a decoder hands back: bigints (Avro longs) and bytes. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    // Buffer's own toJSON runs first and hands the replacer { type: 'Buffer', data }
    if (
      typeof item === 'object' &&
      item !== null &&
      (item as { type?: unknown }).type === 'Buffer' &&
      Array.isArray((item as { data?: unknown }).data)
    ) {
      return `base64:${Buffer.from((item as { data: number[] }).data).toString('base64')}`;
    }
    return item;
  });
}

/** One line per dead letter: where, which key, from where, how often, when, and why. */
export function describeLetter(letter: DeadLetter, options: PrintOptions): string {
  return [
    `${letter.partition}:${letter.offset}`,
    `key=${letter.key === null ? '-' : mask(letter.key, options)}`,
    `from=${letter.originalTopic}`,
    `attempts=${letter.attempts}`,
    `failed=${letter.failedAt ? new Date(letter.failedAt).toISOString() : '-'}`,
    letter.replayed ? 'replayed' : 'pending',
    `error=${JSON.stringify(mask(letter.error, options))}`,
  ].join('  ');
}

export function printValue(value: ShownValue, options: PrintOptions): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'text':
      return mask(value.text, options);
    case 'record':
      return options.reveal ? toJson(value.record) : toJson(redact(value.record));
    case 'bytes':
      // Base64 hides nothing: the text of an Avro record reads straight out of it.
      return options.reveal
        ? `base64:${value.bytes.toString('base64')}`
        : `${value.bytes.length} bytes, ${mask(value.reason, options)}; not shown, as they may hold personal data (--reveal prints them as base64)`;
  }
}

/** The lines of `show` for one dead letter: the summary, every header, then the value. */
export function showLetter(letter: DeadLetter, value: ShownValue, options: PrintOptions): string[] {
  return [
    describeLetter(letter, options),
    ...Object.entries(letter.headers).map(([name, text]) => `  ${name}: ${mask(text, options)}`),
    `  value: ${printValue(value, options)}`,
  ];
}
