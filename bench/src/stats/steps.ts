/**
 * The freshness scenario's step plan, and the two judgements it makes of each step: is the
 * system saturated (stop stepping up), and which step is the knee. Pure.
 */
import type { LatencySummary } from '@bgs/demo';

export interface StepResult {
  readonly offeredRate: number;
  readonly achievedRate: number;
  /** Freshness of the changes seen; undefined when none was seen. */
  readonly latency: LatencySummary | undefined;
  /** Changes made but never seen in a saved group before the step's deadline. */
  readonly unseen: number;
}

export const DEFAULT_STEP_RATES: readonly number[] = [100, 250, 500, 1000, 2000];

/** A step is held when at least this share of the offered rate was achieved. */
export const HELD_SHARE = 0.95;
/** Past this p99 the system is saturated: queues grow, stepping up would only add noise. */
export const SATURATED_P99_MS = 5_000;
/** The knee's freshness target. */
export const KNEE_P99_MS = 1_000;

/** The plan's rates in order, then doubling the last rate run. */
export function nextStepRate(
  previous: readonly number[],
  plan: readonly number[] = DEFAULT_STEP_RATES,
): number {
  const planned = plan[previous.length];
  if (planned !== undefined) return planned;
  const last = previous[previous.length - 1] ?? plan[plan.length - 1];
  if (last === undefined) throw new RangeError('an empty plan and no previous step');
  return last * 2;
}

export function held(step: StepResult): boolean {
  return step.offeredRate > 0 && step.achievedRate >= HELD_SHARE * step.offeredRate;
}

/**
 * Saturated when any of these holds:
 * - less than 95 % of the offered rate was achieved (the generator or the door could not keep up);
 * - no change was seen at all, although some were offered (no latency is not a low latency);
 * - p99 freshness above 5 s;
 * - any change was never seen: a lost or indefinitely late change is an infinite latency, and
 *   counting only the changes that arrived would flatter a system that drops work.
 */
export function isSaturated(step: StepResult): boolean {
  if (!held(step)) return true;
  if (step.unseen > 0) return true;
  if (step.latency === undefined) return true;
  return step.latency.p99 > SATURATED_P99_MS;
}

function meetsKneeTarget(step: StepResult): boolean {
  return (
    held(step) && step.unseen === 0 && step.latency !== undefined && step.latency.p99 < KNEE_P99_MS
  );
}

/**
 * The highest offered rate held (≥ 95 % achieved) with p99 < 1 s and no change unseen, walking up
 * from the lowest rate: a step above one that missed does not count (a lucky step past a failed
 * one is noise, not capacity). undefined when even the lowest step missed.
 */
export function kneeOf(steps: readonly StepResult[]): number | undefined {
  const ascending = [...steps].sort((a, b) => a.offeredRate - b.offeredRate);
  let knee: number | undefined;
  for (const step of ascending) {
    if (!meetsKneeTarget(step)) break;
    knee = step.offeredRate;
  }
  return knee;
}
