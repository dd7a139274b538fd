import { nextSweepDelayMs, retentionCutoff } from './retention';

const now = Date.parse('2026-12-08T12:00:00.000Z');

describe('retentionCutoff', () => {
  it('is the retention before now: the sweep removes what was received before it', () => {
    expect(retentionCutoff(now, 7).toISOString()).toBe('2026-12-01T12:00:00.000Z');
  });

  it('refuses a retention that is not a whole number of days', () => {
    expect(() => retentionCutoff(now, 0)).toThrow(RangeError);
    expect(() => retentionCutoff(now, 1.5)).toThrow(RangeError);
    expect(retentionCutoff(now, 1).toISOString()).toBe('2026-12-07T12:00:00.000Z');
  });
});

describe('nextSweepDelayMs', () => {
  const pacing = { batchSize: 500, intervalMs: 60_000, backlogPauseMs: 200 };

  it('comes back soon after a full batch, and waits the interval after a partial one', () => {
    expect(nextSweepDelayMs(500, pacing)).toBe(200);
    expect(nextSweepDelayMs(499, pacing)).toBe(60_000);
    expect(nextSweepDelayMs(0, pacing)).toBe(60_000);
  });
});
