import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { createLogger } from '../logger';
import { DependencyUnavailableError, PoisonMessageError } from './failure-class';
import {
  decodeFailure,
  firstHold,
  nextOffsetToCommit,
  queuedSeconds,
  slicesOf,
  startStageConsumer,
  withHeartbeats,
} from './stage-consumer';

/** Just enough of a kafkajs consumer to crash it: the runtime's reaction is what is tested. */
class FakeConsumer extends EventEmitter {
  readonly events = { CRASH: 'consumer.crash' };
  constructor(readonly groupId: string) {
    super();
  }
  connect = jest.fn(async () => undefined);
  subscribe = jest.fn(async () => undefined);
  run = jest.fn(async () => undefined);
  disconnect = jest.fn(async () => undefined);
  crash(restart: boolean) {
    this.emit(this.events.CRASH, { payload: { error: new Error('no coordinator'), restart } });
  }
}

function fakeKafka() {
  const consumers: FakeConsumer[] = [];
  const kafka = {
    consumer: ({ groupId }: { groupId: string }) => {
      const consumer = new FakeConsumer(groupId);
      consumers.push(consumer);
      return consumer;
    },
    producer: () => {
      throw new Error('not used');
    },
  } as unknown as Kafka;
  return { kafka, consumers };
}

const quiet = createLogger({
  service: 'test',
  stream: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

describe('startStageConsumer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('replaces a consumer that kafkajs stopped for good, and is not ready meanwhile', async () => {
    const { kafka, consumers } = fakeKafka();
    const stage = startStageConsumer({
      stage: 'sink',
      groupId: 'sink',
      kafka,
      logger: quiet,
      registry: new Registry(),
      inputs: { 'buyer-group.researched': () => undefined },
      handle: async () => [],
      concurrency: 1,
    });
    await stage.start();
    expect(consumers.map((c) => c.groupId)).toEqual(['sink', 'sink.retry']);

    consumers[0]?.crash(false);
    await expect(stage.check?.()).rejects.toThrow('consumer restarting: sink');
    await jest.advanceTimersByTimeAsync(1_000);

    expect(consumers.map((c) => c.groupId)).toEqual(['sink', 'sink.retry', 'sink']);
    expect(consumers[2]?.run).toHaveBeenCalledTimes(1);
    await expect(stage.check?.()).resolves.toBeUndefined();

    await stage.stop();
    expect(consumers[0]?.disconnect).not.toHaveBeenCalled();
    expect(consumers[2]?.disconnect).toHaveBeenCalled();
  });

  it('leaves a consumer kafkajs restarts itself alone', async () => {
    const { kafka, consumers } = fakeKafka();
    const stage = startStageConsumer({
      stage: 'sink',
      groupId: 'sink',
      kafka,
      logger: quiet,
      registry: new Registry(),
      inputs: { 'buyer-group.researched': () => undefined },
      handle: async () => [],
      concurrency: 1,
    });
    await stage.start();
    consumers[0]?.crash(true);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(consumers).toHaveLength(2);
    await expect(stage.check?.()).resolves.toBeUndefined();
    await stage.stop();
  });
  it('pauses a partition whose next record is not due yet, and resumes it when it is', async () => {
    const { kafka, consumers } = fakeKafka();
    const decode = jest.fn(() => 'value');
    const handle = jest.fn(async () => []);
    const stage = startStageConsumer({
      stage: 'sink',
      groupId: 'sink',
      kafka,
      logger: quiet,
      registry: new Registry(),
      inputs: { 'buyer-group.researched': decode },
      handle,
      concurrency: 1,
      now: () => 10_000,
    });
    await stage.start();
    const [config] = (consumers[0]?.run.mock.calls[0] ?? []) as unknown as [
      { eachBatch: (payload: EachBatchPayload) => Promise<void> },
    ];
    const resume = jest.fn();
    const pause = jest.fn(() => resume);
    const resolveOffset = jest.fn();
    const message = {
      offset: '5',
      key: null,
      value: null,
      timestamp: '1',
      headers: { 'bgs-not-before': '12000' },
    };
    await config.eachBatch({
      batch: {
        topic: 'buyer-group.researched',
        partition: 0,
        highWatermark: '6',
        messages: [message],
        firstOffset: () => '5',
        lastOffset: () => '5',
      },
      pause,
      resolveOffset,
      heartbeat: async () => undefined,
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload);

    expect(pause).toHaveBeenCalledTimes(1);
    expect(decode).not.toHaveBeenCalled();
    expect(handle).not.toHaveBeenCalled();
    expect(resolveOffset).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1_999);
    expect(resume).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(resume).toHaveBeenCalledTimes(1);
    await stage.stop();
  });
});

describe('nextOffsetToCommit', () => {
  it('moves past the whole fetched batch when every message was handled', () => {
    // batch.lastOffset() can be past the last message: commit markers, aborted records.
    expect(
      nextOffsetToCommit({
        lastHandled: '41',
        lastFetched: '41',
        batchLastOffset: '43',
        stoppedAtNotDue: false,
      }),
    ).toBe('44');
  });

  it('stops just past the last handled message when one later in the batch is not due', () => {
    expect(
      nextOffsetToCommit({
        lastHandled: '40',
        lastFetched: '41',
        batchLastOffset: '43',
        stoppedAtNotDue: true,
      }),
    ).toBe('41');
  });

  it('stops just past the last handled message when the batch was cut short', () => {
    expect(
      nextOffsetToCommit({
        lastHandled: '40',
        lastFetched: '41',
        batchLastOffset: '41',
        stoppedAtNotDue: false,
      }),
    ).toBe('41');
  });
});

describe('queuedSeconds', () => {
  it('is the time since the record was written, never negative under clock skew', () => {
    expect(queuedSeconds({ timestamp: '1000' }, 1250)).toBe(0.25);
    expect(queuedSeconds({ timestamp: '2000' }, 1000)).toBe(0);
  });
});

describe('slicesOf', () => {
  it('cuts a backlog into bounded slices, in order, the last one short', () => {
    expect(slicesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(slicesOf([1, 2], 200)).toEqual([[1, 2]]);
    expect(slicesOf([], 3)).toEqual([]);
  });
});

describe('withHeartbeats', () => {
  afterEach(() => jest.useRealTimers());

  it('keeps telling the group it is alive while a long slice runs, and stops after', async () => {
    jest.useFakeTimers();
    const heartbeat = jest.fn(async () => undefined);
    let finish: (value: string) => void = () => undefined;
    const running = withHeartbeats(
      heartbeat,
      () => new Promise<string>((resolve) => (finish = resolve)),
      1_000,
    );
    jest.advanceTimersByTime(3_500);
    expect(heartbeat).toHaveBeenCalledTimes(3);
    finish('done');
    await expect(running).resolves.toBe('done');
    jest.advanceTimersByTime(5_000);
    expect(heartbeat).toHaveBeenCalledTimes(3);
  });

  it('lets a failing heartbeat pass: the work decides the outcome', async () => {
    jest.useFakeTimers();
    const heartbeat = jest.fn(async () => {
      throw new Error('rebalancing');
    });
    let finish: () => void = () => undefined;
    const running = withHeartbeats(heartbeat, () => new Promise<void>((r) => (finish = r)), 10);
    jest.advanceTimersByTime(25);
    finish();
    await expect(running).resolves.toBeUndefined();
  });
});

describe('decodeFailure', () => {
  it('keeps a registry outage transient, so the record waits instead of being dead-lettered', () => {
    const outage = new DependencyUnavailableError('schema registry', 'ECONNREFUSED');
    expect(decodeFailure(outage)).toBe(outage);
  });

  it('makes any other decoding failure poison, with the reason', () => {
    const failure = decodeFailure(new SyntaxError('Unexpected token'));
    expect(failure).toBeInstanceOf(PoisonMessageError);
    expect((failure as Error).message).toBe('Unexpected token');
  });
});

describe('firstHold', () => {
  const retry = { kind: 'retry', topic: 'sink.retry.2s', headers: {} } as const;
  it('is the first record held, which the slice stops at', () => {
    expect(
      firstHold([
        { offset: '4', route: retry },
        { offset: '5', route: { kind: 'hold', retryInMs: 2_000 } },
        { offset: '9', route: { kind: 'hold', retryInMs: 1_000 } },
      ]),
    ).toEqual({ offset: '5', route: { kind: 'hold', retryInMs: 2_000 } });
  });

  it('is none when every failure goes to a topic', () => {
    expect(firstHold([{ offset: '4', route: retry }])).toBeUndefined();
  });
});
