import { nearestRankOfSorted, summariseLatencies } from './percentiles';

describe('summariseLatencies', () => {
  it('is undefined without samples', () => {
    expect(summariseLatencies([])).toBeUndefined();
  });

  it('takes nearest-rank percentiles, whatever the order of the samples', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 .. 1
    expect(summariseLatencies(samples)).toEqual({
      count: 100,
      p50: 50,
      p90: 90,
      p99: 99,
      max: 100,
      mean: 50.5,
    });
  });

  it('rounds the rank up: never interpolates between two measured values', () => {
    const summary = summariseLatencies([10, 20, 30]);
    expect(summary).toMatchObject({ p50: 20, p90: 30, p99: 30, max: 30, mean: 20 });
  });

  it('sorts numerically, not as text', () => {
    expect(summariseLatencies([9, 100, 80, 1000])?.p50).toBe(80);
  });

  it('summarises one sample as itself', () => {
    expect(summariseLatencies([7])).toEqual({ count: 1, p50: 7, p90: 7, p99: 7, max: 7, mean: 7 });
  });
});

describe('nearestRankOfSorted', () => {
  it('rejects percentiles outside (0, 100] and empty input', () => {
    expect(() => nearestRankOfSorted([1], 0)).toThrow(RangeError);
    expect(() => nearestRankOfSorted([1], 101)).toThrow(RangeError);
    expect(() => nearestRankOfSorted([], 50)).toThrow(RangeError);
  });
});
