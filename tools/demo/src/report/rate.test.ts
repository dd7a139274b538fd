import {
  behindWarning,
  formatAchievedRate,
  formatPerSecond,
  IntervalRate,
  isBehind,
  perSecond,
} from './rate';

describe('perSecond', () => {
  it('divides a count by the seconds it took', () => {
    expect(perSecond(5000, 83_000)).toBeCloseTo(60.24, 2);
    expect(perSecond(10, 0)).toBe(0);
  });
});

describe('isBehind', () => {
  it('is behind below 95 % of the rate asked', () => {
    expect(isBehind(475, 500)).toBe(false);
    expect(isBehind(474.9, 500)).toBe(true);
  });
});

describe('formatPerSecond', () => {
  it('rounds, with a decimal only below 10', () => {
    expect(formatPerSecond(67.6)).toBe('68');
    expect(formatPerSecond(1980.2)).toBe('1,980');
    expect(formatPerSecond(6.54)).toBe('6.5');
    expect(formatPerSecond(0)).toBe('0');
  });
});

describe('formatAchievedRate', () => {
  it('puts the achieved rate beside the rate asked', () => {
    expect(formatAchievedRate(49.8, 50)).toBe('50 changes/s of 50 asked');
  });

  it('says when the traffic fell behind, and by how much', () => {
    expect(formatAchievedRate(412, 500)).toBe('412 changes/s of 500 asked, behind (82 %)');
  });
});

describe('behindWarning', () => {
  it('warns when the traffic falls behind', () => {
    expect(behindWarning(68, 500)).toBe('! behind: 68 changes/s made of 500 asked');
  });

  it('is quiet while it keeps up', () => {
    expect(behindWarning(490, 500)).toBeUndefined();
  });
});

describe('IntervalRate', () => {
  it('gives the rate of each interval, not the average since the start', () => {
    const rate = new IntervalRate(1_000);
    expect(rate.next(11_000, 5000)).toBe(500);
    expect(rate.next(21_000, 5680)).toBe(68);
  });

  it('says nothing of an interval too short to measure, and keeps it for the next', () => {
    const rate = new IntervalRate(1_000, 100);
    expect(rate.next(1_500, 300)).toBeUndefined();
    expect(rate.next(3_000, 300)).toBe(100);
  });
});
