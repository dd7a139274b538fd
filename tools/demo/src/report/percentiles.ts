/**
 * Nearest-rank percentiles: the p-th percentile of n sorted values is the value at rank
 * ceil(p / 100 × n). It is always one of the measured values, never an interpolation, which
 * is what a latency target ("p99 under 2 s") means.
 */
export function nearestRank(values: readonly number[], percentile: number): number | undefined {
  if (!(percentile > 0 && percentile <= 100)) {
    throw new RangeError(`percentile must be in (0, 100], got ${percentile}`);
  }
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[rank - 1];
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** The nearest-rank percentile of values already sorted ascending. */
function nearestRankOfSorted(sorted: readonly number[], percentile: number): number {
  return sorted[Math.ceil((percentile / 100) * sorted.length) - 1] as number;
}

/**
 * undefined when there are no samples: "no latency" is not a latency of 0. Sorts once (the
 * bench summarises up to ~10^5 samples a step), numerically.
 */
export function summariseLatencies(values: readonly number[]): LatencySummary | undefined {
  if (values.length === 0) return undefined;
  const sorted = Array.from(Float64Array.from(values).sort());
  const at = (percentile: number): number => nearestRankOfSorted(sorted, percentile);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: at(50),
    p90: at(90),
    p99: at(99),
    max: at(100),
    mean: total / sorted.length,
  };
}
