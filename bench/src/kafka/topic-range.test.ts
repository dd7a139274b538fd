import type { KafkaMessage } from 'kafkajs';
import { headerText, RangePositions } from './topic-range';

const offsets = (entries: [number, number][]) =>
  new Map(entries.map(([partition, offset]) => [partition, BigInt(offset)]));

describe('RangePositions', () => {
  it('hands out each record of [from, to) once, nothing before or after', () => {
    const positions = new RangePositions(offsets([[0, 10]]), offsets([[0, 12]]));
    expect(positions.take(0, '9')).toBe(false); // a fetch from before the seek
    expect(positions.take(0, '10')).toBe(true);
    expect(positions.take(0, '10')).toBe(false); // read again after a seek
    expect(positions.done()).toBe(false);
    expect(positions.take(0, '11')).toBe(true);
    expect(positions.take(0, '12')).toBe(false); // written after the run
    expect(positions.done()).toBe(true);
  });

  it('is done at once for partitions the run never wrote to', () => {
    expect(new RangePositions(offsets([[0, 5]]), offsets([[0, 5]])).done()).toBe(true);
  });

  it('counts a partition read when only control records were left', () => {
    const positions = new RangePositions(offsets([[0, 0]]), offsets([[0, 3]]));
    expect(positions.take(0, '0')).toBe(true);
    expect(positions.take(0, '1')).toBe(true);
    positions.passed(0, '2'); // the transaction marker at 2
    expect(positions.done()).toBe(true);
  });

  it('never moves back for a batch from before the seek', () => {
    const positions = new RangePositions(offsets([[0, 100]]), offsets([[0, 101]]));
    positions.passed(0, '7');
    expect(positions.take(0, '100')).toBe(true);
    expect(positions.done()).toBe(true);
  });

  it('starts a partition missing from `from` at its beginning, and ignores unknown ones', () => {
    const positions = new RangePositions(offsets([]), offsets([[1, 1]]));
    expect(positions.take(2, '0')).toBe(false);
    expect(positions.take(1, '0')).toBe(true);
    expect(positions.done()).toBe(true);
  });
});

describe('headerText', () => {
  const message = (headers: KafkaMessage['headers']) => ({ headers }) as KafkaMessage;

  it('reads a Buffer, a string or the first of repeated values', () => {
    expect(headerText(message({ 'event-id': Buffer.from('evt_1') }), 'event-id')).toBe('evt_1');
    expect(headerText(message({ 'event-id': 'evt_2' }), 'event-id')).toBe('evt_2');
    expect(headerText(message({ 'event-id': ['evt_3', 'evt_4'] }), 'event-id')).toBe('evt_3');
    expect(headerText(message(undefined), 'event-id')).toBeUndefined();
  });
});
