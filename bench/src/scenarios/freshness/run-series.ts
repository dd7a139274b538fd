/**
 * Runs one series of freshness steps against one system: for each rate, a warm-up, then the
 * measured step (open loop), then a bounded wait for the step's last changes; the rate goes up
 * until the system saturates or the plan ends.
 */
import type { BenchOptions } from '../../args';
import { say } from '../../output';
import { ProcSampler, type ProcessUsage } from '../../proc/sampler';
import { runOpenLoop, type OpenLoopProgress } from '../../schedule/open-loop';
import { formatMs, formatRate } from '../../report/table';
import type { SystemUnderTest } from '../../systems/system';
import { classifyChangeError } from '../../traffic/change-maker';
import { printStep } from './print';
import {
  nextRate,
  seriesRecord,
  stepRecord,
  type SeriesPlan,
  type SeriesRecord,
  type StepRecord,
} from './shape';

export const PROGRESS_EVERY_MS = 5_000;

const progressLine =
  (label: string) =>
  (progress: OpenLoopProgress): void => {
    say(
      `· ${label} ${(progress.elapsedMs / 1000).toFixed(0)} s: ${progress.started} started, ` +
        `${progress.succeeded} made, ${progress.failed} failed, ${progress.inFlight} in flight` +
        (progress.behind ? ' — the generator is falling behind' : ''),
    );
  };

async function warmUp(
  sut: SystemUnderTest,
  rate: number,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<void> {
  if (options.warmupSeconds === 0) return;
  say(`warm-up: ${sut.name} (${sut.mix}) at ${formatRate(rate)} for ${options.warmupSeconds} s`);
  await runOpenLoop(
    { rate, durationMs: options.warmupSeconds * 1000, maxInFlight: options.maxInFlight, signal },
    () => sut.maker.make(),
    classifyChangeError,
  );
}

export async function runStep(
  sut: SystemUnderTest,
  plan: SeriesPlan,
  rate: number,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<StepRecord> {
  await warmUp(sut, rate, options, signal);
  const durationMs = (options.stepSeconds ?? 30) * 1000;
  say(`step: ${sut.name} (${sut.mix}) at ${formatRate(rate)} for ${durationMs / 1000} s`);
  const ledger = sut.beginStep(Date.now());
  sut.maker.listener = ledger;
  const lag = sut.watchLag();
  const sampler = new ProcSampler(() => sut.processes());
  sampler.start();
  let processes: ProcessUsage[] = [];
  let report;
  try {
    report = await runOpenLoop(
      {
        rate,
        durationMs,
        maxInFlight: options.maxInFlight,
        signal,
        onProgress: progressLine(`${formatRate(rate)}`),
        progressEveryMs: PROGRESS_EVERY_MS,
      },
      () => sut.maker.make(),
      classifyChangeError,
    );
  } finally {
    sut.maker.listener = undefined;
    processes = sampler.stop();
  }
  const waitingSince = Date.now();
  await sut.settle(ledger, options.unseenTimeoutSeconds * 1000, signal);
  const outcome = ledger.outcome();
  say(
    `· all in after ${formatMs(Date.now() - waitingSince)}` +
      (outcome.unseen > 0 ? ` — ${outcome.unseen} changes still unseen` : ''),
  );
  for (const example of (outcome.unseenExamples ?? []).slice(0, 3)) {
    say(
      `  unseen: #${example.seq} ${example.kind} at ${example.madeAt}, ${example.companyIds.join(', ')}`,
    );
  }
  const peakLag = await lag.stop();
  return stepRecord({ plan, rate, durationMs, report, outcome, peakLag, processes });
}

export async function runSeries(
  sut: SystemUnderTest,
  plan: SeriesPlan,
  options: BenchOptions,
  signal: AbortSignal,
  onStep: (step: StepRecord) => void = () => undefined,
): Promise<SeriesRecord> {
  const steps: StepRecord[] = [];
  for (;;) {
    const rate = nextRate(
      steps.map((step) => step.rate),
      options,
    );
    if (rate === undefined || signal.aborted) break;
    const step = await runStep(sut, plan, rate, options, signal);
    steps.push(step);
    printStep(step);
    onStep(step);
    if (step.saturated) {
      say(`${sut.name} (${sut.mix}) saturated at ${formatRate(rate)}: no higher step`);
      break;
    }
  }
  return seriesRecord(plan, steps);
}
