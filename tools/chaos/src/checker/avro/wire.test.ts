import { Type } from 'avsc';
import { avroString, frame, unframe } from './wire';

describe('unframe', () => {
  it('reads the schema id and body of the Confluent wire format', () => {
    const framed = frame(70_000, Buffer.from([1, 2, 3]));
    expect(framed.subarray(0, 5)).toEqual(Buffer.from([0, 0, 1, 0x11, 0x70]));
    expect(unframe(framed)).toEqual({ schemaId: 70_000, body: Buffer.from([1, 2, 3]) });
  });

  it('refuses a value without the magic byte or too short for a header', () => {
    expect(unframe(Buffer.from('{"op":"u"}'))).toBeUndefined();
    expect(unframe(Buffer.from([0, 0, 1]))).toBeUndefined();
  });
});

describe('avroString', () => {
  it('encodes as Avro does, short and long', () => {
    const string = Type.forSchema('string');
    for (const text of ['co-1', 'x'.repeat(300), 'Zoë']) {
      expect(avroString(text)).toEqual(string.toBuffer(text));
    }
  });
});
