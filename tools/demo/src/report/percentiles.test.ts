import { nearestRank, summariseLatencies } from './percentiles';

describe('nearestRank', () => {
  it('follows the textbook example', () => {
    // Wikipedia, "Percentile", nearest-rank method: 15, 20, 35, 40, 50.
    const values = [15, 20, 35, 40, 50];
    expect(nearestRank(values, 5)).toBe(15);
    expect(nearestRank(values, 30)).toBe(20);
    expect(nearestRank(values, 40)).toBe(20);
    expect(nearestRank(values, 50)).toBe(35);
    expect(nearestRank(values, 100)).toBe(50);
  });

  it('does not depend on the order of the input, nor change it', () => {
    const values = [50, 15, 40, 20, 35];
    expect(nearestRank(values, 50)).toBe(35);
    expect(values).toEqual([50, 15, 40, 20, 35]);
  });

  it('sorts numerically, not as strings', () => {
    expect(nearestRank([9, 100, 80], 50)).toBe(80);
  });

  it('on 1..1000 gives p50 500, p90 900, p99 990', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    expect([50, 90, 99, 100].map((p) => nearestRank(values, p))).toEqual([500, 900, 990, 1000]);
  });

  it('on one value gives that value for every percentile', () => {
    expect([1, 50, 99, 100].map((p) => nearestRank([7], p))).toEqual([7, 7, 7, 7]);
  });

  it('has nothing to say about no values', () => {
    expect(nearestRank([], 50)).toBeUndefined();
  });

  it('refuses percentiles outside (0, 100]', () => {
    for (const p of [0, -1, 101, Number.NaN]) expect(() => nearestRank([1], p)).toThrow(RangeError);
  });
});

describe('summariseLatencies', () => {
  it('gives count, p50, p90, p99, max and mean, whatever the order of the samples', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(summariseLatencies(values)).toEqual({
      count: 200,
      p50: 100,
      p90: 180,
      p99: 198,
      max: 200,
      mean: 100.5,
    });
  });

  it('agrees with nearestRank and sorts numerically, not as text', () => {
    const values = [9, 100, 80, 1000, 7];
    expect(summariseLatencies(values)).toMatchObject({
      p50: nearestRank(values, 50),
      p90: nearestRank(values, 90),
      max: 1000,
    });
  });

  it('is undefined without samples', () => {
    expect(summariseLatencies([])).toBeUndefined();
  });
});
