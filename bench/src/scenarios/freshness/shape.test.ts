import type { OpenLoopReport } from '../../schedule/open-loop';
import { nextRate, seriesPlan, sideBySide, seriesRecord, stepRecord } from './shape';

const report = (offeredRate: number, achievedRate: number): OpenLoopReport => ({
  offered: offeredRate * 5,
  started: offeredRate * 5,
  succeeded: achievedRate * 5,
  failed: 0,
  droppedAtCap: 0,
  lateStarts: 0,
  maxStartDelayMs: 0,
  elapsedMs: 5000,
  offeredRate,
  achievedRate,
  errorsByKind: { 'http 503': 1 },
  generatorFellBehind: false,
});

const step = (system: 'ours' | 'baseline', rate: number, latencies: number[], unseen = 0) =>
  stepRecord({
    plan: { system, mix: 'webhook' },
    rate,
    durationMs: 5000,
    report: report(rate, rate),
    outcome: { latencies, unseen, made: latencies.length },
    peakLag: { sink: 3 },
    processes: [{ name: 'sink', cpuPercent: 12, peakRssMb: 90 }],
  });

describe('seriesPlan', () => {
  it('runs ours first, webhooks then the mix, then the baseline on webhooks', () => {
    expect(seriesPlan({ systems: ['ours', 'baseline'], mixes: ['webhook', 'mixed'] })).toEqual([
      { system: 'ours', mix: 'webhook' },
      { system: 'ours', mix: 'mixed' },
      { system: 'baseline', mix: 'webhook' },
    ]);
  });

  it('never gives the baseline the mix: it has no CDC', () => {
    expect(seriesPlan({ systems: ['baseline'], mixes: ['mixed'] })).toEqual([]);
  });
});

describe('nextRate', () => {
  it('steps 100, 250, 500, 1000, 2000, then doubles up to the maximum', () => {
    const options = { rates: undefined, maxRate: 8000 };
    const rates: number[] = [];
    for (let r = nextRate(rates, options); r !== undefined; r = nextRate(rates, options)) {
      rates.push(r);
    }
    expect(rates).toEqual([100, 250, 500, 1000, 2000, 4000, 8000]);
  });

  it('takes explicit rates as they are, without doubling', () => {
    const options = { rates: [20, 40], maxRate: 1 };
    expect(nextRate([], options)).toBe(20);
    expect(nextRate([20], options)).toBe(40);
    expect(nextRate([20, 40], options)).toBeUndefined();
  });
});

describe('stepRecord', () => {
  it('summarises the freshness and judges the step', () => {
    const record = step('ours', 100, [10, 20, 30, 40]);
    expect(record).toEqual(
      expect.objectContaining({
        offeredRate: 100,
        achievedRate: 100,
        samples: 4,
        unseen: 0,
        saturated: false,
        errorsByKind: { 'http 503': 1 },
        peakLag: { sink: 3 },
      }),
    );
    expect(record.freshness).toEqual(expect.objectContaining({ p50: 20, p99: 40, max: 40 }));
    expect(record.schedule).not.toHaveProperty('errorsByKind');
  });

  it('is saturated when a change went unseen', () => {
    expect(step('ours', 100, [10], 1).saturated).toBe(true);
  });
});

describe('sideBySide', () => {
  it('lines up the systems by rate and keeps the knee per series', () => {
    const ours = seriesRecord({ system: 'ours', mix: 'webhook' }, [
      step('ours', 100, [10]),
      step('ours', 250, [20]),
    ]);
    const baseline = seriesRecord({ system: 'baseline', mix: 'webhook' }, [
      step('baseline', 100, [5]),
    ]);
    expect(ours.knee).toBe(250);
    const rows = sideBySide([ours, baseline]);
    expect(rows.map((row) => [row.rate, row.ours?.rate, row.baseline?.rate])).toEqual([
      [100, 100, 100],
      [250, 250, undefined],
    ]);
  });
});
