import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { Batch, Consumer, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { createLogger } from '../logger';
import { LAG_GAUGE, OLDEST_AGE_GAUGE, stageLag } from './lag-gauges';

const quiet = createLogger({
  service: 'test',
  stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

/** The kafkajs consumer events the gauges follow. */
class FakeConsumer extends EventEmitter {
  readonly events = {
    GROUP_JOIN: 'consumer.group_join',
    END_BATCH_PROCESS: 'consumer.end_batch_process',
  };
  join(memberAssignment: Record<string, number[]>) {
    this.emit(this.events.GROUP_JOIN, { payload: { memberAssignment } });
  }
  /** A batch kafkajs resolved itself: `batchSize` 0 when it held only markers. */
  endBatch(partition: number, highWatermark: string, lastOffset: string, batchSize = 0) {
    this.emit(this.events.END_BATCH_PROCESS, {
      payload: { topic: 'in', partition, highWatermark, lastOffset, batchSize },
    });
  }
}

/** Topic `in`: partition 0 ends with a marker at 42 and the group committed 42 (before it). */
function fakeKafka(
  committed: Record<number, string> = { 0: '42', 1: '10' },
  answered: Promise<void> = Promise.resolve(),
) {
  const admin = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    fetchOffsets: jest.fn(async () => {
      await answered;
      return [
        {
          topic: 'in',
          partitions: Object.entries(committed).map(([p, offset]) => ({
            partition: Number(p),
            offset,
          })),
        },
      ];
    }),
    fetchTopicOffsets: jest.fn(async () => [
      { partition: 0, offset: '43', high: '43', low: '0' },
      { partition: 1, offset: '15', high: '15', low: '0' },
    ]),
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, admin };
}

const batch = (partition: number, highWatermark: string, offsets: [string, number][]): Batch =>
  ({
    topic: 'in',
    partition,
    highWatermark,
    messages: offsets.map(([offset, timestamp]) => ({ offset, timestamp: String(timestamp) })),
    firstOffset: () => offsets[0]?.[0] ?? null,
  }) as unknown as Batch;

async function series(registry: Registry, name: string): Promise<Record<string, number>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered`);
  const { values } = await metric.get();
  return Object.fromEntries(
    values.map(({ labels, value }) => [
      `${labels.group}/${labels.topic}/${labels.partition}`,
      value,
    ]),
  );
}

function setUp(committed?: Record<number, string>, answered?: Promise<void>) {
  const registry = new Registry();
  const { kafka, admin } = fakeKafka(committed, answered);
  let now = 100_000;
  const lag = stageLag({ stage: 'sink', kafka, registry, logger: quiet, now: () => now });
  const consumer = new FakeConsumer();
  lag.watch(consumer as unknown as Consumer, 'sink');
  return { registry, admin, lag, consumer, setNow: (ms: number) => (now = ms) };
}

/** Lets the seeding reads (fake admin calls) finish. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('stageLag', () => {
  it('starts assigned partitions at their committed offset, then reads 0 past the marker', async () => {
    const { registry, consumer } = setUp();
    consumer.join({ in: [0, 1] });
    await settle();
    expect(await series(registry, LAG_GAUGE)).toEqual({ 'sink/in/0': 1, 'sink/in/1': 5 });

    // The first fetch of partition 0 holds only the commit marker at 42.
    consumer.endBatch(0, '43', '42');
    expect(await series(registry, LAG_GAUGE)).toEqual({ 'sink/in/0': 0, 'sink/in/1': 5 });
    expect(await series(registry, OLDEST_AGE_GAUGE)).toEqual({ 'sink/in/0': 0, 'sink/in/1': 0 });
  });

  it('counts a fetched backlog and the age of its oldest record until it is processed', async () => {
    const { registry, lag, consumer, setNow } = setUp();
    consumer.join({ in: [1] });
    const fetched = batch(1, '16', [
      ['10', 90_000],
      ['11', 95_000],
      ['12', 96_000],
    ]);
    lag.fetched('sink', fetched);
    expect(await series(registry, LAG_GAUGE)).toEqual({ 'sink/in/1': 6 });
    expect(await series(registry, OLDEST_AGE_GAUGE)).toEqual({ 'sink/in/1': 10 });

    setNow(101_000); // the age grows while the record waits
    expect(await series(registry, OLDEST_AGE_GAUGE)).toEqual({ 'sink/in/1': 11 });

    lag.processed('sink', fetched, '11');
    expect(await series(registry, LAG_GAUGE)).toEqual({ 'sink/in/1': 5 });
    expect(await series(registry, OLDEST_AGE_GAUGE)).toEqual({ 'sink/in/1': 6 });

    // The batch processed to its end, past the marker at 15 (kafkajs's lastOffset()).
    lag.processed('sink', fetched, '16');
    expect(await series(registry, LAG_GAUGE)).toEqual({ 'sink/in/1': 0 });
    expect(await series(registry, OLDEST_AGE_GAUGE)).toEqual({ 'sink/in/1': 0 });
  });

  it('keeps what a fetch saw over a committed offset read before it', async () => {
    let answer = () => undefined as void;
    const { registry, lag, consumer } = setUp(
      undefined,
      new Promise<void>((resolve) => (answer = resolve)),
    );
    consumer.join({ in: [1] });
    const fetched = batch(1, '16', [['10', 90_000]]);
    lag.fetched('sink', fetched);
    lag.processed('sink', fetched, '16');
    answer(); // the group's committed offset (10) arrives late
    await settle();
    expect(await series(registry, LAG_GAUGE)).toEqual({ 'sink/in/1': 0 });
  });

  it('ignores the batches it handles itself in the end-of-batch event', async () => {
    const { registry, lag, consumer } = setUp();
    consumer.join({ in: [1] });
    lag.fetched('sink', batch(1, '16', [['10', 90_000]]));
    consumer.endBatch(1, '16', '15', 1);
    expect(await series(registry, LAG_GAUGE)).toEqual({ 'sink/in/1': 6 });
  });

  it('drops the partitions a rebalance moved away, and ignores late batches of them', async () => {
    const { registry, lag, consumer } = setUp();
    consumer.join({ in: [0, 1] });
    await settle();
    consumer.join({ in: [1] });
    expect(Object.keys(await series(registry, LAG_GAUGE))).toEqual(['sink/in/1']);
    lag.fetched('sink', batch(0, '50', [['43', 90_000]]));
    consumer.endBatch(0, '50', '49');
    expect(Object.keys(await series(registry, OLDEST_AGE_GAUGE))).toEqual(['sink/in/1']);
  });

  it('drops a replaced consumer’s partitions, and everything on stop', async () => {
    const { registry, lag, consumer, admin } = setUp();
    const retry = new FakeConsumer();
    lag.watch(retry as unknown as Consumer, 'sink.retry');
    consumer.join({ in: [0] });
    retry.join({ in: [1] });
    await settle();
    expect(Object.keys(await series(registry, LAG_GAUGE))).toEqual([
      'sink/in/0',
      'sink.retry/in/1',
    ]);
    lag.forget('sink');
    expect(Object.keys(await series(registry, LAG_GAUGE))).toEqual(['sink.retry/in/1']);
    await lag.stop();
    expect(await series(registry, LAG_GAUGE)).toEqual({});
    expect(admin.disconnect).toHaveBeenCalled();
  });

  it('shares one pair of gauges among the stage consumers of a service', async () => {
    const { registry, consumer } = setUp();
    const other = stageLag({ stage: 'refresher', ...fakeKafka(), registry, logger: quiet });
    const route = new FakeConsumer();
    other.watch(route as unknown as Consumer, 'refresher.route');
    consumer.join({ in: [0] });
    route.join({ in: [1] });
    await settle();
    expect(await series(registry, LAG_GAUGE)).toEqual({
      'sink/in/0': 1,
      'refresher.route/in/1': 5,
    });
  });
});
