import {
  benchOptions,
  commandLine,
  histogramLine,
  landedVerdict,
  option,
  ratioLine,
  reusedWarnings,
  table,
  type DriveResult,
} from './report';

const run = (over: Partial<DriveResult>): DriveResult => ({
  title: 'baseline (verify + 202)',
  sent: 20_000,
  durationS: 2,
  perSecondMean: 9_800,
  p50: 4,
  p99: 12.34,
  ok2xx: 20_000,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  statuses: { '202': 20_000 },
  reused: 0,
  ...over,
});

describe('option', () => {
  it('takes the value after the flag, or the fallback when the flag is absent', () => {
    expect(option(['--requests', '500'], 'requests', 20_000)).toBe(500);
    expect(option([], 'requests', 20_000)).toBe(20_000);
  });

  it('refuses anything but a positive integer', () => {
    for (const args of [['--warmup'], ['--warmup', '0'], ['--warmup', '1.5'], ['--warmup', 'x']]) {
      expect(() => option(args, 'warmup', 1_000)).toThrow('--warmup needs a positive integer');
    }
  });
});

describe('benchOptions and commandLine', () => {
  it('defaults to 20,000 requests over 50 connections after 1,000 to warm up', () => {
    expect(benchOptions([])).toEqual({ requests: 20_000, connections: 50, warmup: 1_000 });
  });

  it('prints the command that reproduces the run', () => {
    expect(commandLine(benchOptions(['--connections', '8']))).toBe(
      '$ npx tsc -p bench/tsconfig.ingress-webhooks.json && node bench/dist/ingress-webhooks/bench/ingress-webhooks.js --requests 20000 --connections 8 --warmup 1000',
    );
  });
});

describe('table', () => {
  it('lines up a header, a rule and one row per run, figures right-aligned', () => {
    const lines = table([run({}), run({ title: 'ingress', sent: 3, durationS: 1.5, p50: 0.25 })]);
    expect(lines).toEqual([
      'target                   requests  req/s (run)  req/s (autocannon mean)  p50 ms  p99 ms    2xx  non-2xx  errors   statuses',
      '───────────────────────  ────────  ───────────  ───────────────────────  ──────  ──────  ─────  ───────  ──────  ─────────',
      'baseline (verify + 202)     20000        10000                     9800     4.0    12.3  20000        0       0  202:20000',
      'ingress                         3            2                     9800     0.3    12.3  20000        0       0  202:20000',
    ]);
  });
});

describe('ratioLine', () => {
  it('divides the ingress by the baseline: rate over the run, and the latencies', () => {
    const base = run({ sent: 20_000, durationS: 2, p50: 2, p99: 10 });
    const measured = run({ sent: 20_000, durationS: 8, p50: 9, p99: 45 });
    expect(ratioLine(base, measured)).toBe(
      'ratio ingress/baseline: 0.250 (req/s over the run), p50 4.5x, p99 4.5x',
    );
  });

  it('does not divide by a zero latency', () => {
    expect(ratioLine(run({ p50: 0, p99: 0 }), run({ p50: 0.002, p99: 0.001 }))).toContain(
      'p50 2.0x, p99 1.0x',
    );
  });
});

describe('reusedWarnings', () => {
  it('warns of each run that repeated event ids, and of no other', () => {
    expect(reusedWarnings([run({}), run({ title: 'ingress warm-up', reused: 3 })])).toEqual([
      'WARNING: ingress warm-up reused 3 requests (repeated event ids)',
    ]);
  });
});

describe('histogramLine', () => {
  it("shows the ingress's own means in milliseconds", () => {
    expect(histogramLine({ mean: 0.00342, count: 21_000 }, { mean: 0.0051, count: 21_000 })).toBe(
      'ingress histograms: Kafka acknowledgement mean 3.4 ms over 21000 sends; request mean 5.1 ms over 21000',
    );
  });
});

describe('landedVerdict', () => {
  const landed = {
    source: 'bench-ab12',
    topic: 'person-changes',
    accepted: 21_000,
    records: 21_000,
    rowCounts: { published: 21_000 },
  };

  it('passes when every accepted webhook is one record on the topic', () => {
    expect(landedVerdict(landed)).toEqual({
      lines: [
        'accepted 2xx (warm-up + run): 21000; records on person-changes from bench-ab12: 21000; webhook_events rows: {"published":21000}',
        'OK: accepted 2xx == records',
      ],
      exitCode: 0,
    });
  });

  it('fails on a record lost or duplicated', () => {
    for (const records of [20_999, 21_001]) {
      const verdict = landedVerdict({ ...landed, records });
      expect(verdict.exitCode).toBe(1);
      expect(verdict.lines[1]).toBe(
        `MISMATCH: 21000 accepted (2xx) but ${records} records on person-changes`,
      );
    }
  });
});
