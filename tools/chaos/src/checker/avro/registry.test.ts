import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Schema } from 'avsc';
import { createAvroDecoder, readerSchema, type FetchFn } from './registry';
import { frame } from './wire';

const V1: Schema = {
  type: 'record',
  name: 'T',
  fields: [
    { name: 'companyId', type: 'string' },
    { name: 'generation', type: 'long' },
  ],
};

/** buyer-group.avsc as it was before the fields that have defaults were added. */
function olderBuyerGroup(): Schema {
  const current = JSON.parse(
    readFileSync(path.resolve(__dirname, '../../../../../schemas/buyer-group.avsc'), 'utf8'),
  ) as { fields: { name: string; default?: unknown }[] };
  return { ...current, fields: current.fields.filter((f) => !('default' in f)) } as Schema;
}

/** A registry that answers from a table, after `failures` answers of 503. */
function fakeRegistry(schemas: Record<number, Schema>, failures = 0) {
  const asked: string[] = [];
  let left = failures;
  const fetch: FetchFn = async (url) => {
    asked.push(url);
    if (left > 0) {
      left -= 1;
      return { ok: false, status: 503, json: async () => ({}) };
    }
    const id = Number(/\/schemas\/ids\/(\d+)$/.exec(url)?.[1]);
    const schema = schemas[id];
    if (schema === undefined) return { ok: false, status: 404, json: async () => ({}) };
    return { ok: true, status: 200, json: async () => ({ schema: JSON.stringify(schema) }) };
  };
  return { fetch, asked };
}

describe('createAvroDecoder', () => {
  it('decodes with the writer schema it fetches by id, once per id', async () => {
    const registry = fakeRegistry({ 7: V1 });
    const decoder = createAvroDecoder('http://registry/apis/ccompat/v7/', {
      fetch: registry.fetch,
    });
    const value = frame(7, Type.forSchema(V1).toBuffer({ companyId: 'c1', generation: 12 }));
    expect(await decoder.decode(value)).toEqual({ companyId: 'c1', generation: 12 });
    await decoder.decode(value);
    expect(registry.asked).toEqual(['http://registry/apis/ccompat/v7/schemas/ids/7']);
  });

  it('resolves an older writer schema into the reader schema of schemas/', async () => {
    const older = olderBuyerGroup();
    const registry = fakeRegistry({ 3: older });
    const decoder = createAvroDecoder('http://registry', { fetch: registry.fetch });
    const written = {
      companyId: 'c1',
      workspaceId: 'w1',
      generation: 12,
      level: 'identify',
      confidence: 4,
      cohesion: 3,
      status: 'ready',
      computedAt: 1_000,
    };
    const value = frame(3, Type.forSchema(older).toBuffer(written));
    const decoded = (await decoder.decode(value, readerSchema('buyer-group.avsc'))) as Record<
      string,
      unknown
    >;
    // Fields the old writer lacked take their defaults.
    expect(decoded).toMatchObject({ ...written, savedAt: 0, origins: [], members: [] });
  });

  it('waits for a registry that is restarting', async () => {
    const registry = fakeRegistry({ 7: V1 }, 2);
    const decoder = createAvroDecoder('http://registry', {
      fetch: registry.fetch,
      retryDelayMs: 1,
    });
    const value = frame(7, Type.forSchema(V1).toBuffer({ companyId: 'c1', generation: 1 }));
    expect(await decoder.decode(value)).toEqual({ companyId: 'c1', generation: 1 });
    expect(registry.asked).toHaveLength(3);
  });

  it('fails for an unknown schema id or an unframed value', async () => {
    const decoder = createAvroDecoder('http://registry', { fetch: fakeRegistry({}).fetch });
    await expect(decoder.decode(frame(9, Buffer.from([0])))).rejects.toThrow('no such schema');
    await expect(decoder.decode(Buffer.from('{}'))).rejects.toThrow('wire format');
  });
});
