import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyFailure, DependencyUnavailableError } from '../stage/failure-class';
import { createSchemaCodec, SchemaRegistryError } from './schema-codec';

/**
 * A small in-memory stand-in for Apicurio's Confluent-compatible API: like Apicurio, it answers
 * 404 for the config of an unknown subject and NONE for a subject without a compatibility rule.
 */
async function startFakeRegistry() {
  const subjects = new Map<string, { versions: number[]; compatibility?: string }>();
  const schemas = new Map<number, string>();
  const requests: string[] = [];
  let rejectNextRegistration = false;

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(
        /^\/apis\/ccompat\/v7/,
        '',
      );
      requests.push(`${req.method} ${path}`);
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
        res.end(JSON.stringify(payload));
      };
      const notFound = () => send(404, { error_code: 40401, message: 'No artifact' });
      let match: RegExpExecArray | null;

      if (path === '/config') return send(200, { compatibilityLevel: 'BACKWARD' });
      if ((match = /^\/config\/(.+)$/.exec(path))) {
        const subject = subjects.get(match[1] ?? '');
        if (!subject) return notFound();
        if (req.method === 'GET') {
          return send(200, { compatibilityLevel: subject.compatibility ?? 'NONE' });
        }
        subject.compatibility = (JSON.parse(body) as { compatibility: string }).compatibility;
        return send(200, { compatibility: subject.compatibility });
      }
      if ((match = /^\/subjects\/(.+)\/versions$/.exec(path)) && req.method === 'POST') {
        if (rejectNextRegistration) {
          rejectNextRegistration = false;
          return send(409, { error_code: 409, message: 'Incompatible schema' });
        }
        const { schema, schemaType } = JSON.parse(body) as { schema: string; schemaType: string };
        if (schemaType !== 'AVRO') return send(422, { error_code: 42201, message: 'type' });
        const name = match[1] ?? '';
        const subject = subjects.get(name) ?? { versions: [] };
        subjects.set(name, subject);
        const existing = subject.versions.find((id) => schemas.get(id) === schema);
        if (existing !== undefined) return send(200, { id: existing });
        const id = schemas.size + 1;
        schemas.set(id, schema);
        subject.versions.push(id);
        return send(200, { id });
      }
      if ((match = /^\/subjects\/(.+)\/versions\/latest$/.exec(path))) {
        const subject = subjects.get(match[1] ?? '');
        const id = subject?.versions.at(-1);
        if (id === undefined) return notFound();
        return send(200, {
          subject: match[1],
          id,
          version: subject?.versions.length,
          schema: schemas.get(id),
        });
      }
      if ((match = /^\/schemas\/ids\/(\d+)$/.exec(path))) {
        const schema = schemas.get(Number(match[1]));
        return schema ? send(200, { schema }) : notFound();
      }
      return notFound();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/apis/ccompat/v7/`,
    subjects,
    requests,
    rejectNextRegistration: () => {
      rejectNextRegistration = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const personChangeV1 = {
  type: 'record',
  name: 'PersonChange',
  namespace: 'bgs',
  fields: [
    { name: 'companyId', type: 'string' },
    { name: 'attempt', type: 'int' },
  ],
};
const personChangeV2 = {
  ...personChangeV1,
  fields: [...personChangeV1.fields, { name: 'source', type: 'string', default: 'webhook' }],
};

describe('createSchemaCodec', () => {
  let registry: Awaited<ReturnType<typeof startFakeRegistry>>;

  beforeEach(async () => {
    registry = await startFakeRegistry();
  });
  afterEach(() => registry.close());

  it('registers a new subject, then sets its compatibility to BACKWARD', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    const id = await codec.register('person-changes-value', JSON.stringify(personChangeV1));

    expect(id).toBe(1);
    expect(registry.requests).toEqual([
      'GET /config/person-changes-value',
      'POST /subjects/person-changes-value/versions',
      'PUT /config/person-changes-value',
    ]);
    expect(registry.subjects.get('person-changes-value')?.compatibility).toBe('BACKWARD');
  });

  it('sets the compatibility of an existing subject before registering a new version', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    await codec.register('buyer-groups-value', personChangeV1, 'NONE');
    registry.requests.length = 0;

    const id = await codec.register('buyer-groups-value', personChangeV2);

    expect(id).toBe(2);
    expect(registry.requests).toEqual([
      'GET /config/buyer-groups-value',
      'PUT /config/buyer-groups-value',
      'POST /subjects/buyer-groups-value/versions',
    ]);
    expect(registry.subjects.get('buyer-groups-value')?.compatibility).toBe('BACKWARD');
  });

  it('is idempotent: the same schema again gives the same id and changes nothing', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    const first = await codec.register('refresh-requests-value', personChangeV1, 'FULL');
    registry.requests.length = 0;
    const again = await codec.register('refresh-requests-value', personChangeV1, 'FULL');

    expect(again).toBe(first);
    expect(registry.requests).toEqual([
      'GET /config/refresh-requests-value',
      'POST /subjects/refresh-requests-value/versions',
    ]);
    expect(registry.subjects.get('refresh-requests-value')?.compatibility).toBe('FULL');
  });

  it('encodes in the Confluent wire format and decodes back', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    const id = await codec.register('person-changes-value', personChangeV1);
    const value = { companyId: 'company-42', attempt: 3 };

    const buffer = await codec.encode(id, value);
    expect(buffer.readUInt8(0)).toBe(0);
    expect(buffer.readInt32BE(1)).toBe(id);

    // a fresh codec must fetch the writer schema by id
    await expect(createSchemaCodec({ url: registry.url }).decode(buffer)).resolves.toEqual(value);
  });

  it('refuses to encode a value that does not match the schema', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    const id = await codec.register('person-changes-value', personChangeV1);
    await expect(codec.encode(id, { companyId: 42 })).rejects.toThrow();
  });

  it('finds the latest id of a subject', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    await codec.register('buyer-groups-value', personChangeV1);
    const latest = await codec.register('buyer-groups-value', personChangeV2);
    await expect(codec.latestId('buyer-groups-value')).resolves.toBe(latest);
  });

  it('reports a rejected registration with the status and the registry message', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    registry.rejectNextRegistration();
    const failure = codec.register('person-changes-value', personChangeV1);
    await expect(failure).rejects.toBeInstanceOf(SchemaRegistryError);
    await expect(failure).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('Incompatible schema'),
    });
  });

  it('rejects a schema that is not JSON before calling the registry', async () => {
    const codec = createSchemaCodec({ url: registry.url });
    await expect(codec.register('x-value', '{not json')).rejects.toThrow(SyntaxError);
    expect(registry.requests).toEqual([]);
  });

  describe('when the registry does not answer', () => {
    it('says so with a transient error, and decodes the same bytes once it is back', async () => {
      const codec = createSchemaCodec({ url: registry.url });
      const id = await codec.register('company-touches-value', personChangeV1);
      const buffer = await codec.encode(id, { companyId: 'company-7', attempt: 1 });
      const url = registry.url;
      await registry.close();

      // a codec started while the registry is down: nothing cached
      const cold = createSchemaCodec({ url });
      const failure = cold.decode(buffer);
      await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect(classifyFailure(await failure.catch((error: unknown) => error))).toBe('transient');
      await expect(cold.check()).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(cold.latestId('company-touches-value')).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );

      registry = await startFakeRegistry();
      const back = createSchemaCodec({ url: registry.url });
      await back.register('company-touches-value', personChangeV1);
      await expect(back.check()).resolves.toBeUndefined();
      await expect(back.decode(buffer)).resolves.toEqual({ companyId: 'company-7', attempt: 1 });
    });

    it('tells an unknown schema id, which the registry answered, from an outage', async () => {
      const codec = createSchemaCodec({ url: registry.url });
      const unknownId = Buffer.from([0, 0, 0, 0x30, 0x39, 2, 4]);
      const failure = await codec.decode(unknownId).catch((error: unknown) => error);
      expect(failure).not.toBeInstanceOf(DependencyUnavailableError);
      expect(classifyFailure(failure)).toBe('failed');
    });

    it('refuses bytes that are not in the wire format without asking the registry', async () => {
      const codec = createSchemaCodec({ url: registry.url });
      await expect(codec.decode(Buffer.from('{"json":true}'))).rejects.toThrow(/wire format/);
      expect(registry.requests).toEqual([]);
    });
  });
});
