import { headerText, unreadPartitions, withinEnd, type RawRecord } from './topic-reader';

const end = (partition: number, low: string, high: string) => ({
  topic: 'buyer-groups',
  partition,
  low,
  high,
});

describe('unreadPartitions', () => {
  it('waits for each non-empty partition up to its end offset, markers included', () => {
    const ends = [end(0, '0', '10'), end(1, '5', '5'), end(2, '0', '3')];
    expect(unreadPartitions(ends, new Map([['buyer-groups:0', 10n]]))).toEqual([
      'buyer-groups:2 at 0 of 3',
    ]);
    expect(
      unreadPartitions(
        ends,
        new Map([
          ['buyer-groups:0', 10n],
          ['buyer-groups:2', 3n],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('withinEnd', () => {
  it('keeps only records written before the read started', () => {
    const record = (partition: number, offset: string): RawRecord => ({
      topic: 'buyer-groups',
      partition,
      offset,
      key: null,
      value: null,
      headers: {},
    });
    const inSnapshot = withinEnd([end(0, '0', '10')]);
    expect(inSnapshot(record(0, '9'))).toBe(true);
    expect(inSnapshot(record(0, '10'))).toBe(false);
    expect(inSnapshot(record(1, '0'))).toBe(false);
  });
});

describe('headerText', () => {
  it('turns header values into text', () => {
    expect(
      headerText({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), '2'], d: undefined }),
    ).toEqual({
      a: 'x',
      b: 'y',
      c: '1,2',
    });
    expect(headerText(undefined)).toEqual({});
  });
});
