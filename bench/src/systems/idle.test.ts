import { backlogOf, isIdle, type OffsetReading } from './idle';

const reading = (entries: [string, number, number][]): OffsetReading =>
  new Map(entries.map(([key, end, committed]) => [key, { end, committed }]));

describe('isIdle', () => {
  it('allows one offset per partition: a transaction commit marker', () => {
    const now = reading([
      ['sink/buyer-group.researched/0', 11, 10],
      ['refresher.route/person-changes/0', 5, 5],
    ]);
    expect(backlogOf(now)).toBe(0);
    expect(isIdle(now, now)).toBe(true);
  });

  it('needs two equal readings: nothing moved in between', () => {
    const before = reading([['sink/buyer-group.researched/0', 11, 10]]);
    const after = reading([['sink/buyer-group.researched/0', 13, 12]]);
    expect(isIdle(undefined, after)).toBe(false);
    expect(isIdle(before, after)).toBe(false);
  });

  it('is busy while records wait', () => {
    const busy = reading([['refresher.discover/company-touches/3', 40, 20]]);
    expect(backlogOf(busy)).toBe(19);
    expect(isIdle(busy, busy)).toBe(false);
  });
});
