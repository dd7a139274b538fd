import { CompressionTypes, type TopicMessages } from 'kafkajs';
import { createAvroPublisher, createAvroSender, PublishTimeoutError } from './avro-publisher';

const codecStub = (latestId: (subject: string) => Promise<number>) => ({
  latestId: jest.fn(latestId),
  encode: jest.fn(async (id: number, value: unknown) =>
    Buffer.from(`${id}:${JSON.stringify(value)}`),
  ),
});

describe('createAvroPublisher', () => {
  it('encodes with the latest id of <topic>-value, sends acks=all with key and headers, and looks the id up once', async () => {
    const codec = codecStub(async () => 7);
    const sendBatch = jest.fn(async () => []);
    const publisher = createAvroPublisher({
      producer: { sendBatch },
      codec,
      topic: 't',
      timeoutMs: 1000,
    });
    await publisher.publish('company-1', { a: 1 }, { traceparent: 'x' });
    await publisher.publish('company-2', { a: 2 });
    expect(codec.latestId).toHaveBeenCalledTimes(1);
    expect(codec.latestId).toHaveBeenCalledWith('t-value');
    expect(sendBatch).toHaveBeenNthCalledWith(1, {
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [
        {
          topic: 't',
          messages: [
            { key: 'company-1', value: Buffer.from('7:{"a":1}'), headers: { traceparent: 'x' } },
          ],
        },
      ],
    });
  });

  it('rejects with PublishTimeoutError when Kafka does not acknowledge in time', async () => {
    const sendBatch = jest.fn(() => new Promise<never>(() => undefined));
    const publisher = createAvroPublisher({
      producer: { sendBatch },
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
    const sendBatch = jest.fn(async () => []);
    const publisher = createAvroPublisher({
      producer: { sendBatch },
      codec,
      topic: 't',
      timeoutMs: 1000,
    });
    await expect(publisher.publish('k', {})).rejects.toThrow('registry down');
    await publisher.publish('k', {});
    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(codec.latestId).toHaveBeenCalledTimes(2);
  });
});

describe('createAvroPublisher batching', () => {
  it('gathers publishes made while a send is in flight into the next send, in call order', async () => {
    const sends: string[][] = [];
    let releaseFirst: () => void = () => undefined;
    const sendBatch = jest.fn(async ({ topicMessages }: { topicMessages: TopicMessages[] }) => {
      sends.push(topicMessages.flatMap(({ messages }) => messages.map((m) => String(m.key))));
      if (sends.length === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
      return [];
    });
    const publisher = createAvroPublisher({
      producer: { sendBatch } as never,
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
    const sendBatch = jest.fn(async () => {
      throw new Error('broker gone');
    });
    const publisher = createAvroPublisher({
      producer: { sendBatch },
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

describe('createAvroSender', () => {
  it('compresses its requests with GZIP when asked to', async () => {
    const sendBatch = jest.fn(async () => []);
    const codec = codecStub(async () => 1);
    const sender = createAvroSender({
      producer: { sendBatch },
      codec,
      timeoutMs: 1000,
      compression: 'gzip',
    });
    await sender.send([{ topic: 'a', key: 'k1', value: 1 }]);
    expect(sendBatch).toHaveBeenCalledWith(
      expect.objectContaining({ acks: -1, compression: CompressionTypes.GZIP }),
    );
  });

  it('sends the records of every topic given in one request, each topic with its own schema', async () => {
    const codec = codecStub(async () => 1);
    codec.latestId.mockImplementation(async (subject: string) => (subject === 'a-value' ? 4 : 9));
    const sendBatch = jest.fn(async () => []);
    const sender = createAvroSender({ producer: { sendBatch }, codec, timeoutMs: 1000 });
    await sender.send([
      { topic: 'a', key: 'k1', value: 1 },
      { topic: 'b', key: 'k2', value: 2, headers: { h: 'v' } },
      { topic: 'b', key: 'k3', value: 3 },
    ]);
    expect(sendBatch).toHaveBeenCalledTimes(1);
    expect(sendBatch).toHaveBeenCalledWith({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [
        { topic: 'a', messages: [{ key: 'k1', value: Buffer.from('4:1') }] },
        {
          topic: 'b',
          messages: [
            { key: 'k2', value: Buffer.from('9:2'), headers: { h: 'v' } },
            { key: 'k3', value: Buffer.from('9:3') },
          ],
        },
      ],
    });
  });

  it('names every topic of a send that timed out', async () => {
    const sender = createAvroSender({
      producer: { sendBatch: () => new Promise<never>(() => undefined) },
      codec: codecStub(async () => 1),
      timeoutMs: 20,
    });
    await expect(
      sender.send([
        { topic: 'a', key: 'k', value: 1 },
        { topic: 'b', key: 'k', value: 2 },
      ]),
    ).rejects.toThrow('on a, b within 20 ms');
  });

  it('never sends records whose deadline passed while they waited behind a request Kafka did not answer', async () => {
    // Kafka died with a request in flight: it hangs. What queues behind it times out, and a
    // caller told "not published" must not find its records written when Kafka comes back.
    let answerFirst: () => void = () => undefined;
    const sent: TopicMessages[][] = [];
    const sendBatch = jest.fn(({ topicMessages }: { topicMessages: TopicMessages[] }) => {
      sent.push(topicMessages);
      return sent.length === 1
        ? new Promise<[]>((resolve) => (answerFirst = () => resolve([])))
        : Promise.resolve([]);
    });
    const sender = createAvroSender({
      producer: { sendBatch },
      codec: codecStub(async () => 1),
      timeoutMs: 30,
    });
    const inFlight = sender.send([{ topic: 't', key: 'first', value: 1 }]);
    const queued = sender.send([{ topic: 't', key: 'second', value: 2 }]);
    await Promise.all([
      expect(queued).rejects.toBeInstanceOf(PublishTimeoutError),
      expect(inFlight).rejects.toBeInstanceOf(PublishTimeoutError),
    ]);
    answerFirst();
    await sender.send([{ topic: 't', key: 'third', value: 3 }]);
    expect(sent.map((request) => request.flatMap((t) => t.messages.map((m) => m.key)))).toEqual([
      ['first'],
      ['third'],
    ]);
  });
});
