/**
 * The Confluent wire format every Avro value of the pipeline is framed in: a magic byte 0, the
 * writer schema's registry id as a 4-byte big-endian integer, then the Avro binary body.
 */

export interface Framed {
  readonly schemaId: number;
  readonly body: Buffer;
}

const HEADER_BYTES = 5;

/** The schema id and body of a framed value; undefined when it is not in this format. */
export function unframe(value: Buffer): Framed | undefined {
  if (value.length < HEADER_BYTES || value[0] !== 0) return undefined;
  return { schemaId: value.readUInt32BE(1), body: value.subarray(HEADER_BYTES) };
}

/** A value in the wire format (for fixtures: the checker itself never writes). */
export function frame(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}

/**
 * How an Avro `string` holding `text` is encoded: a zig-zag varint length, then the UTF-8
 * bytes. A value we cannot decode may still name a company this way.
 */
export function avroString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const prefix: number[] = [];
  // Zig-zag of a non-negative length is twice the length; then 7 bits at a time, low first.
  let n = bytes.length * 2;
  while (n >= 0x80) {
    prefix.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  prefix.push(n);
  return Buffer.concat([Buffer.from(prefix), bytes]);
}
