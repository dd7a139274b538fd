/**
 * The traffic's achieved rate beside the rate asked for. The pacer cannot always keep up (the
 * machine is busy, requests are slow and the in-flight cap is reached): a demo that silently
 * makes 70 changes/s when 500 were asked would report freshness at a load it never offered.
 */

/** Below this share of the rate asked, the traffic is behind. */
export const BEHIND_SHARE = 0.95;

export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? count / (elapsedMs / 1000) : 0;
}

export const isBehind = (achieved: number, requested: number): boolean =>
  achieved < BEHIND_SHARE * requested;

/** "68", "412", "1,980", "6.5": whole changes per second, a decimal below 10. */
export function formatPerSecond(rate: number): string {
  if (rate > 0 && rate < 10) return rate.toFixed(1);
  return Math.round(rate).toLocaleString('en-US');
}

/** The summary's line: "412 changes/s of 500 asked, behind (82 %)" or "50 changes/s of 50 asked". */
export function formatAchievedRate(achieved: number, requested: number): string {
  const text = `${formatPerSecond(achieved)} changes/s of ${formatPerSecond(requested)} asked`;
  if (!isBehind(achieved, requested)) return text;
  return `${text}, behind (${Math.round((achieved / requested) * 100)} %)`;
}

/** The progress warning, or undefined when the traffic keeps up. */
export function behindWarning(achieved: number, requested: number): string | undefined {
  if (!isBehind(achieved, requested)) return undefined;
  return `! behind: ${formatPerSecond(achieved)} changes/s made of ${formatPerSecond(requested)} asked`;
}

/**
 * The rate over each progress interval, so a warning says how the traffic is doing now, not
 * averaged since the start. Times are passed in (milliseconds), which keeps it pure.
 */
export class IntervalRate {
  private lastAt: number;
  private lastCount: number;

  /** An interval shorter than this (traffic started just before a progress line) says nothing. */
  static readonly MIN_INTERVAL_MS = 1000;

  constructor(startedAt: number, startCount = 0) {
    this.lastAt = startedAt;
    this.lastCount = startCount;
  }

  /** Changes per second since the previous call (or the start); moves the window on. */
  next(at: number, count: number): number | undefined {
    if (at - this.lastAt < IntervalRate.MIN_INTERVAL_MS) return undefined;
    const rate = perSecond(count - this.lastCount, at - this.lastAt);
    this.lastAt = at;
    this.lastCount = count;
    return rate;
  }
}
