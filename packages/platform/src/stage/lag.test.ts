import {
  assignedPartitions,
  oldestWaitingSeconds,
  partitionLag,
  progressFromCommitted,
  progressOfBatch,
  progressOfFetched,
  progressPastEmptyBatch,
  revokedPartitions,
  type FetchedBatch,
} from './lag';
import { nextOffsetToCommit } from './stage-consumer';

/** Records at offsets 40 and 41, written at 1,000 and 2,000 ms, then a commit marker at 42. */
const behindMarker: FetchedBatch = {
  highWatermark: '43',
  firstOffset: '40',
  messages: [
    { offset: '40', timestamp: '1000' },
    { offset: '41', timestamp: '2000' },
  ],
};

describe('partitionLag', () => {
  it('reads 0 on a caught-up partition whose last offset is a commit marker', () => {
    // The stage commits past the marker fetched with the batch (kafkajs's lastOffset() is 42).
    const position = nextOffsetToCommit({
      lastHandled: '41',
      lastFetched: '41',
      batchLastOffset: '42',
      stoppedAtNotDue: false,
    });
    const progress = progressOfBatch(behindMarker, position);
    expect(partitionLag(progress)).toBe(0);
    // Counted from the last message processed it would read 1 forever.
    expect(Number(behindMarker.highWatermark) - (41 + 1)).toBe(1);
  });

  it('reads 0 once a marker that came on its own is passed (kafkajs resolves that batch)', () => {
    // The records were processed before their marker was written: 1 behind, then the marker.
    expect(partitionLag(progressOfBatch({ ...behindMarker, highWatermark: '42' }, '42'))).toBe(0);
    expect(partitionLag({ highWatermark: '43', position: '42' })).toBe(1);
    expect(partitionLag(progressPastEmptyBatch({ highWatermark: '43', lastOffset: '42' }))).toBe(0);
  });

  it('reads a backlog as its size', () => {
    const fetched = progressOfFetched({
      highWatermark: '1040',
      firstOffset: '40',
      messages: [{ offset: '40', timestamp: '1000' }],
    });
    expect(partitionLag(fetched)).toBe(1000);
    expect(partitionLag(progressOfBatch(behindMarker, '41'))).toBe(2);
  });

  it('is never negative', () => {
    expect(partitionLag({ highWatermark: '10', position: '12' })).toBe(0);
  });

  it('handles offsets beyond 2^53 exactly', () => {
    expect(partitionLag({ highWatermark: '9007199254740995', position: '9007199254740993' })).toBe(
      2,
    );
  });
});

describe('oldest unprocessed record', () => {
  it('is every fetched record while nothing of the batch is processed', () => {
    const progress = progressOfFetched(behindMarker);
    expect(progress.position).toBe('40');
    expect(oldestWaitingSeconds(progress, 11_000)).toBe(10);
  });

  it('is the oldest record from the position on, not the first by offset', () => {
    const batch: FetchedBatch = {
      highWatermark: '4',
      firstOffset: '0',
      messages: [
        { offset: '0', timestamp: '500' },
        { offset: '1', timestamp: '3000' },
        { offset: '2', timestamp: '2000' },
        { offset: '3', timestamp: '4000' },
      ],
    };
    expect(oldestWaitingSeconds(progressOfBatch(batch, '1'), 5_000)).toBe(3);
  });

  it('reads 0 when no fetched record waits', () => {
    expect(oldestWaitingSeconds(progressOfBatch(behindMarker, '43'), 99_000)).toBe(0);
    expect(oldestWaitingSeconds({ highWatermark: '1000', position: '5' }, 99_000)).toBe(0);
    expect(
      oldestWaitingSeconds(progressPastEmptyBatch({ highWatermark: '5', lastOffset: '4' }), 1),
    ).toBe(0);
  });

  it('does not go negative on a record timestamped ahead of this clock', () => {
    expect(oldestWaitingSeconds(progressOfFetched(behindMarker), 500)).toBe(0);
  });
});

describe('progressFromCommitted', () => {
  it('resumes at the committed offset', () => {
    const progress = progressFromCommitted({ committed: '43', high: '43', low: '0' });
    expect(partitionLag(progress)).toBe(0);
    expect(partitionLag(progressFromCommitted({ committed: '13', high: '43', low: '0' }))).toBe(30);
  });

  it('starts at the log start when the group never committed, or committed below it', () => {
    expect(progressFromCommitted({ committed: '-1', high: '43', low: '3' }).position).toBe('3');
    expect(progressFromCommitted({ committed: '1', high: '43', low: '3' }).position).toBe('3');
  });
});

describe('assignments', () => {
  it('lists an assignment', () => {
    expect(assignedPartitions({ a: [0, 2], b: [1] })).toEqual([
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 2 },
      { topic: 'b', partition: 1 },
    ]);
  });

  it('drops the partitions a rebalance took away', () => {
    const held = [
      { topic: 'a', partition: 0 },
      { topic: 'a', partition: 1 },
      { topic: 'b', partition: 0 },
    ];
    expect(revokedPartitions(held, { a: [1], c: [0] })).toEqual([
      { topic: 'a', partition: 0 },
      { topic: 'b', partition: 0 },
    ]);
    expect(revokedPartitions(held, { a: [0, 1], b: [0] })).toEqual([]);
  });
});
