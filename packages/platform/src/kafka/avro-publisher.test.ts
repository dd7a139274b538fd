import { createAvroPublisher, PublishTimeoutError } from './avro-publisher';

const codecStub = (latestId: () => Promise<number>) => ({
  latestId: jest.fn(latestId),
  encode: jest.fn(async (id: number, value: unknown) =>
    Buffer.from(`${id}:${JSON.stringify(value)}`),
  ),
});

describe('createAvroPublisher', () => {
  it('encodes with the latest id of <topic>-value, sends acks=all with key and headers, and looks the id up once', async () => {
    const codec = codecStub(async () => 7);
    const send = jest.fn(async () => []);
    const publisher = createAvroPublisher({
      producer: { send },
      codec,
      topic: 't',
      timeoutMs: 1000,
    });
    await publisher.publish('company-1', { a: 1 }, { traceparent: 'x' });
    await publisher.publish('company-2', { a: 2 });
    expect(codec.latestId).toHaveBeenCalledTimes(1);
    expect(codec.latestId).toHaveBeenCalledWith('t-value');
    expect(send).toHaveBeenNthCalledWith(1, {
      topic: 't',
      acks: -1,
      messages: [
        { key: 'company-1', value: Buffer.from('7:{"a":1}'), headers: { traceparent: 'x' } },
      ],
    });
  });

  it('rejects with PublishTimeoutError when Kafka does not acknowledge in time', async () => {
    const send = jest.fn(() => new Promise<never>(() => undefined));
    const publisher = createAvroPublisher({
      producer: { send },
      codec: codecStub(async () => 1),
      topic: 't',
      timeoutMs: 20,
    });
    await expect(publisher.publish('k', {})).rejects.toBeInstanceOf(PublishTimeoutError);
  });

  it('asks the registry again after a failed lookup instead of caching the failure', async () => {
    let calls = 0;
    const codec = codecStub(async () => {
      calls += 1;
      if (calls === 1) throw new Error('registry down');
      return 3;
    });
    const send = jest.fn(async () => []);
    const publisher = createAvroPublisher({
      producer: { send },
      codec,
      topic: 't',
      timeoutMs: 1000,
    });
    await expect(publisher.publish('k', {})).rejects.toThrow('registry down');
    await publisher.publish('k', {});
    expect(send).toHaveBeenCalledTimes(1);
    expect(codec.latestId).toHaveBeenCalledTimes(2);
  });
});

describe('createAvroPublisher batching', () => {
  it('gathers publishes made while a send is in flight into the next send, in call order', async () => {
    const sends: string[][] = [];
    let releaseFirst: () => void = () => undefined;
    const send = jest.fn(async ({ messages }: { messages: { key: string }[] }) => {
      sends.push(messages.map((m) => m.key));
      if (sends.length === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
      return [];
    });
    const publisher = createAvroPublisher({
      producer: { send } as never,
      codec: codecStub(async () => 1),
      topic: 't',
      timeoutMs: 1000,
    });
    const first = publisher.publish('a', {});
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'd'].map((key) => publisher.publish(key, {}));
    await new Promise((resolve) => setImmediate(resolve));
    releaseFirst();
    await Promise.all([first, ...rest]);
    expect(sends).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('rejects every publish of a failed send', async () => {
    const send = jest.fn(async () => {
      throw new Error('broker gone');
    });
    const publisher = createAvroPublisher({
      producer: { send },
      codec: codecStub(async () => 1),
      topic: 't',
      timeoutMs: 1000,
    });
    const results = await Promise.allSettled([
      publisher.publish('a', {}),
      publisher.publish('b', {}),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
