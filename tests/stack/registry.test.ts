/**
 * Avro through the real registry (Apicurio, Confluent-compatible API): an encoded record
 * survives a round trip through Kafka, its schema id survives a registry restart, and an
 * incompatible change is refused.
 */
import { createSchemaCodec, SchemaRegistryError } from '@bgs/platform';
import {
  kafka,
  requireStack,
  stack,
  stackCommand,
  uniqueName,
  producerDefaults,
} from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const schemaV1 = {
  type: 'record',
  name: 'Probe',
  namespace: 'dev.buyergroupstream.test',
  fields: [
    { name: 'companyId', type: 'string' },
    { name: 'generation', type: 'long' },
  ],
};

describe('schema registry', () => {
  beforeAll(requireStack);

  it('encodes with a registered schema, and another consumer group decodes it after a registry restart', async () => {
    const subject = uniqueName('probe-value');
    const topic = uniqueName('probe');
    const codec = createSchemaCodec({ url: stack.registryUrl });
    const id = await codec.register(subject, schemaV1);
    // registering the same schema again is a lookup, not a new version
    await expect(codec.register(subject, JSON.stringify(schemaV1, null, 2))).resolves.toBe(id);

    const client = kafka();
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();

    const producer = client.producer({ idempotent: true, ...producerDefaults });
    await producer.connect();
    const value = { companyId: 'co-42', generation: 7 };
    await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'co-42', value: await codec.encode(id, value) }],
    });
    await producer.disconnect();

    const read = async (): Promise<Buffer> => {
      const consumer = client.consumer({ groupId: uniqueName('registry-test') });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      let raw: Buffer | undefined;
      await consumer.run({
        eachMessage: async ({ message }) => {
          raw ??= message.value ?? undefined;
        },
      });
      try {
        return await waitFor(() => raw, { description: `a record on ${topic}` });
      } finally {
        await consumer.disconnect();
      }
    };

    const first = await read();
    expect(first.readUInt8(0)).toBe(0);
    expect(first.readInt32BE(1)).toBe(id);
    await expect(codec.decode(first)).resolves.toEqual(value);

    await stackCommand('restart', 'registry');

    // A fresh codec has no cache: the id must resolve from the registry's own storage.
    const afterRestart = createSchemaCodec({ url: stack.registryUrl });
    const second = await read();
    await expect(afterRestart.decode(second)).resolves.toEqual(value);
    await expect(afterRestart.latestId(subject)).resolves.toBe(id);
  });

  it('refuses a change that breaks BACKWARD compatibility, and accepts one that keeps it', async () => {
    const subject = uniqueName('compat-value');
    const codec = createSchemaCodec({ url: stack.registryUrl });
    const v1 = await codec.register(subject, schemaV1);

    // A new field without a default: new readers cannot read old records.
    const breaking = {
      ...schemaV1,
      fields: [...schemaV1.fields, { name: 'level', type: 'string' }],
    };
    const refusal = await codec.register(subject, breaking).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(SchemaRegistryError);
    expect((refusal as SchemaRegistryError).status).toBe(409);
    await expect(codec.latestId(subject)).resolves.toBe(v1);

    const compatible = {
      ...schemaV1,
      fields: [...schemaV1.fields, { name: 'level', type: 'string', default: 'identify' }],
    };
    const v2 = await codec.register(subject, compatible);
    expect(v2).not.toBe(v1);
    await expect(codec.latestId(subject)).resolves.toBe(v2);
  });
});
