/**
 * Latency summaries with nearest-rank percentiles: the p-th percentile of n sorted values is
 * the value at rank ceil(p / 100 × n), always a measured value, never an interpolation. It is
 * the definition the demo uses (tools/demo/src/report/percentiles.ts), so bench and demo
 * figures compare. The bench keeps its own copy because it also needs the mean, and because a
 * step holds up to ~10^5 samples: it sorts once, where the demo's sorts per percentile. (The
 * demo's module is not exported by @bgs/demo.)
 */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The nearest-rank percentile of values already sorted ascending. */
export function nearestRankOfSorted(sorted: readonly number[], percentile: number): number {
  if (!(percentile > 0 && percentile <= 100)) {
    throw new RangeError(`percentile must be in (0, 100], got ${percentile}`);
  }
  if (sorted.length === 0) throw new RangeError('no values');
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** undefined when there are no samples: "no latency" is not a latency of 0. */
export function summariseLatencies(samplesMs: readonly number[]): LatencySummary | undefined {
  if (samplesMs.length === 0) return undefined;
  const sorted = Float64Array.from(samplesMs).sort();
  const values = Array.from(sorted);
  let total = 0;
  for (const value of values) total += value;
  const at = (percentile: number): number => nearestRankOfSorted(values, percentile);
  return {
    count: values.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: values[values.length - 1] as number,
    mean: total / values.length,
  };
}
