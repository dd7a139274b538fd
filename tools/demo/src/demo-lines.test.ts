import {
  demoVerdict,
  problemShown,
  progressLine,
  summaryInput,
  trafficLine,
  type RunTotals,
} from './demo-lines';

describe('progressLine', () => {
  it('counts what was made, seen and saved, with the rate of the last interval', () => {
    expect(
      progressLine({ changesMade: 1200, ratePerSecond: 19.6, samples: 1180, savedGroups: 950 }),
    ).toBe('· 1,200 changes made (20/s), 1,180 samples, 950 saved groups seen');
  });

  it('leaves the rate out while none is known (before the first change, and once the traffic ended)', () => {
    expect(
      progressLine({ changesMade: 0, ratePerSecond: undefined, samples: 3, savedGroups: 2 }),
    ).toBe('· 0 changes made, 3 samples, 2 saved groups seen');
  });
});

describe('trafficLine', () => {
  it('names the rate and how many changes, or that it runs until Ctrl-C', () => {
    expect(trafficLine({ rate: 20, changes: 5000 })).toBe('traffic: 20 changes/s, 5,000 changes');
    expect(trafficLine({ rate: 500, changes: undefined })).toBe(
      'traffic: 500 changes/s, until Ctrl-C',
    );
  });
});

describe('problemShown', () => {
  it('shows the first five problems of a kind and only counts the rest', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(problemShown)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

describe('summaryInput', () => {
  const totals: RunTotals = {
    changesMade: 10,
    sql: 6,
    webhook: 4,
    failed: 1,
    latencies: undefined,
    savedGroups: 8,
    changeRecords: 7,
    unseen: [],
    elapsedMs: 12_000,
    achievedRate: undefined,
  };

  it('puts the achieved rate beside the rate asked when traffic ran', () => {
    expect(summaryInput({ ...totals, achievedRate: 19.5 }, 20)).toEqual({
      changesMade: 10,
      changesBy: { sql: 6, webhook: 4 },
      changesFailed: 1,
      latencies: undefined,
      savedGroupsSeen: 8,
      changeRecordsSeen: 7,
      unseen: [],
      elapsedMs: 12_000,
      traffic: { achievedRate: 19.5, requestedRate: 20 },
    });
  });

  it('has no traffic line without --traffic', () => {
    expect(summaryInput(totals, 20)).not.toHaveProperty('traffic');
  });
});

describe('demoVerdict', () => {
  it('ends 0 without --changes, whatever was not seen', () => {
    expect(demoVerdict(undefined, 3, 2)).toEqual({ exitCode: 0, shortfall: undefined });
  });

  it('ends 0 when every change asked was made and seen', () => {
    expect(demoVerdict(100, 100, 0)).toEqual({ exitCode: 0, shortfall: undefined });
  });

  it('ends 1 when a change was not seen in time', () => {
    expect(demoVerdict(100, 100, 1)).toEqual({ exitCode: 1, shortfall: undefined });
  });

  it('ends 1 and says so when fewer changes were made than asked', () => {
    expect(demoVerdict(2000, 1500, 0)).toEqual({
      exitCode: 1,
      shortfall: 'only 1,500 of 2,000 changes were made',
    });
  });
});
