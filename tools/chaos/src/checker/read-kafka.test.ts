import type { RawRecord } from './kafka/topic-reader';
import { afterRunStart } from './read-kafka';

const record = (topic: string, partition: number, offset: string): RawRecord => ({
  topic,
  partition,
  offset,
  key: null,
  value: null,
  headers: {},
});

describe('afterRunStart', () => {
  it('keeps dead letters at or after the offset the partition had at the start', () => {
    const after = afterRunStart({ 'sink.dlq': { 0: '5', 1: '0' } });
    expect(after(record('sink.dlq', 0, '4'))).toBe(false);
    expect(after(record('sink.dlq', 0, '5'))).toBe(true);
    expect(after(record('sink.dlq', 1, '0'))).toBe(true);
    // A partition or topic without a start offset is read from its beginning.
    expect(after(record('sink.dlq', 2, '0'))).toBe(true);
    expect(after(record('enricher.dlq', 0, '0'))).toBe(true);
  });
});
