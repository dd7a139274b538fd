/**
 * The freshness scenario's pure decisions and shapes: which series run in which order, the
 * next rate, what a step's record holds, the final side-by-side rows. Unit-tested.
 */
import type { BenchOptions, Mix, PipelineSystem } from '../../args';
import type { ProcessUsage } from '../../proc/sampler';
import type { OpenLoopReport } from '../../schedule/open-loop';
import { summariseLatencies, type LatencySummary } from '@bgs/demo';
import { isSaturated, kneeOf, nextStepRate, type StepResult } from '../../stats/steps';
import type { StepOutcome } from './ledgers';

export interface SeriesPlan {
  readonly system: PipelineSystem;
  readonly mix: Mix;
}

/**
 * Ours first, then the baseline. Side by side both take webhook-only traffic (the baseline
 * has no CDC); ours also takes the demo's mix of SQL writes and webhooks.
 */
export function seriesPlan(options: Pick<BenchOptions, 'systems' | 'mixes'>): SeriesPlan[] {
  const plan: SeriesPlan[] = [];
  const wants = (mix: Mix) => options.mixes.includes(mix);
  if (options.systems.includes('ours')) {
    if (wants('webhook')) plan.push({ system: 'ours', mix: 'webhook' });
    if (wants('mixed')) plan.push({ system: 'ours', mix: 'mixed' });
  }
  if (options.systems.includes('baseline') && wants('webhook')) {
    plan.push({ system: 'baseline', mix: 'webhook' });
  }
  return plan;
}

/** The next step's rate, or undefined when the plan is done. Explicit rates never double. */
export function nextRate(
  previous: readonly number[],
  options: Pick<BenchOptions, 'rates' | 'maxRate'>,
): number | undefined {
  if (options.rates) return options.rates[previous.length];
  const next = nextStepRate(previous);
  return next <= options.maxRate ? next : undefined;
}

export interface StepRecord extends StepResult {
  readonly system: PipelineSystem;
  readonly mix: Mix;
  readonly rate: number;
  readonly durationMs: number;
  /** Changes the receiver accepted (2xx) or Postgres committed. */
  readonly made: number;
  readonly samples: number;
  readonly freshness: LatencySummary | undefined;
  readonly schedule: Omit<OpenLoopReport, 'errorsByKind'>;
  readonly errorsByKind: Readonly<Record<string, number>>;
  /** Peak consumer lag per group (ours), or peak waiting jobs (baseline). */
  readonly peakLag: Readonly<Record<string, number>>;
  readonly processes: readonly ProcessUsage[];
  readonly saturated: boolean;
  /** The first unseen changes (ours): which, when, where; empty when all were seen. */
  readonly unseenExamples: StepOutcome['unseenExamples'];
}

export interface StepFacts {
  readonly plan: SeriesPlan;
  readonly rate: number;
  readonly durationMs: number;
  readonly report: OpenLoopReport;
  readonly outcome: StepOutcome;
  readonly peakLag: Record<string, number>;
  readonly processes: readonly ProcessUsage[];
}

export function stepRecord(facts: StepFacts): StepRecord {
  const { report, outcome } = facts;
  const latency = summariseLatencies(outcome.latencies);
  const result: StepResult = {
    offeredRate: report.offeredRate,
    achievedRate: report.achievedRate,
    latency,
    unseen: outcome.unseen,
  };
  const { errorsByKind, ...schedule } = report;
  return {
    ...result,
    system: facts.plan.system,
    mix: facts.plan.mix,
    rate: facts.rate,
    durationMs: facts.durationMs,
    made: outcome.made,
    samples: outcome.latencies.length,
    freshness: latency,
    schedule,
    errorsByKind,
    peakLag: facts.peakLag,
    processes: facts.processes,
    saturated: isSaturated(result),
    unseenExamples: outcome.unseenExamples ?? [],
  };
}

export interface SeriesRecord extends SeriesPlan {
  readonly steps: readonly StepRecord[];
  /** Highest offered rate held with p99 < 1 s; undefined when even the first step missed. */
  readonly knee: number | undefined;
}

export const seriesRecord = (plan: SeriesPlan, steps: readonly StepRecord[]): SeriesRecord => ({
  ...plan,
  steps,
  knee: kneeOf(steps),
});

export interface SideBySideRow {
  readonly rate: number;
  readonly ours: StepRecord | undefined;
  readonly baseline: StepRecord | undefined;
  readonly oursMixed: StepRecord | undefined;
}

/** One row per rate any series ran, ascending. */
export function sideBySide(series: readonly SeriesRecord[]): SideBySideRow[] {
  const find = (system: PipelineSystem, mix: Mix, rate: number) =>
    series
      .find((s) => s.system === system && s.mix === mix)
      ?.steps.find((step) => step.rate === rate);
  const rates = [...new Set(series.flatMap((s) => s.steps.map((step) => step.rate)))].sort(
    (a, b) => a - b,
  );
  return rates.map((rate) => ({
    rate,
    ours: find('ours', 'webhook', rate),
    baseline: find('baseline', 'webhook', rate),
    oursMixed: find('ours', 'mixed', rate),
  }));
}
