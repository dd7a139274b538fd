import type { LatencySummary } from '@bgs/demo';
import { DEFAULT_STEP_RATES, isSaturated, kneeOf, nextStepRate, type StepResult } from './steps';

const latency = (p99: number): LatencySummary => ({
  count: 1000,
  p50: p99 / 4,
  p90: p99 / 2,
  p99,
  max: p99 * 2,
  mean: p99 / 3,
});

const step = (offeredRate: number, overrides: Partial<StepResult> = {}): StepResult => ({
  offeredRate,
  achievedRate: offeredRate,
  latency: latency(200),
  unseen: 0,
  ...overrides,
});

describe('nextStepRate', () => {
  it('follows the plan, then doubles the last rate', () => {
    const rates: number[] = [];
    for (let i = 0; i < 7; i++) rates.push(nextStepRate(rates));
    expect(rates).toEqual([100, 250, 500, 1000, 2000, 4000, 8000]);
    expect(DEFAULT_STEP_RATES).toEqual([100, 250, 500, 1000, 2000]);
  });

  it('takes another plan', () => {
    expect(nextStepRate([], [10, 20])).toBe(10);
    expect(nextStepRate([10, 20], [10, 20])).toBe(40);
    expect(() => nextStepRate([], [])).toThrow(RangeError);
  });
});

describe('isSaturated', () => {
  it('is not saturated when the rate is held, everything seen, p99 at most 5 s', () => {
    expect(isSaturated(step(500))).toBe(false);
    expect(isSaturated(step(500, { achievedRate: 475, latency: latency(5_000) }))).toBe(false);
  });

  it('is saturated below 95 % of the offered rate', () => {
    expect(isSaturated(step(500, { achievedRate: 474 }))).toBe(true);
  });

  it('is saturated past a p99 of 5 s', () => {
    expect(isSaturated(step(500, { latency: latency(5_001) }))).toBe(true);
  });

  it('counts a change never seen against the step', () => {
    expect(isSaturated(step(500, { unseen: 1 }))).toBe(true);
  });

  it('counts a step with no change seen at all as saturated', () => {
    expect(isSaturated(step(500, { latency: undefined }))).toBe(true);
  });
});

describe('kneeOf', () => {
  it('is the highest rate held with p99 under 1 s', () => {
    const steps = [
      step(100),
      step(250),
      step(500, { latency: latency(999) }),
      step(1000, { latency: latency(1000) }),
      step(2000, { achievedRate: 1200 }),
    ];
    expect(kneeOf(steps)).toBe(500);
  });

  it('does not count a rate not held, or with changes unseen', () => {
    expect(kneeOf([step(100), step(250, { achievedRate: 200 })])).toBe(100);
    expect(kneeOf([step(100), step(250, { unseen: 3 })])).toBe(100);
  });

  it('stops at the first step that misses, in rate order', () => {
    expect(kneeOf([step(1000), step(100), step(250, { latency: latency(1500) })])).toBe(100);
  });

  it('is undefined when no step meets the target', () => {
    expect(kneeOf([])).toBeUndefined();
    expect(kneeOf([step(100, { latency: latency(2000) }), step(250)])).toBeUndefined();
  });
});
