/**
 * `./bgs bench freshness`: stepped open-loop rates until saturation, ours and then the
 * baseline (each while the other's processes are stopped), then the side-by-side table, the
 * knees, a JSON result and an SVG chart of p50/p99 against the offered rate.
 */
import type { Dataset } from '@bgs/demo';
import type { BenchOptions } from '../../args';
import { say, warn } from '../../output';
import { renderFreshnessChart, type ChartPoint } from '../../results/chart';
import { writeResult } from '../../results/results';
import { baselineSystem, launchBaseline } from '../../systems/baseline';
import { startOurs } from '../../systems/ours';
import { OUR_SERVICES, withStopped, type BenchStack } from '../../systems/stack';
import type { SystemUnderTest } from '../../systems/system';
import { prepareDataset, type PreparedDataset } from '../prepare';
import { printSideBySide } from './print';
import { runSeries } from './run-series';
import { seriesPlan, type SeriesPlan, type SeriesRecord, type StepRecord } from './shape';

async function measure(
  open: () => Promise<SystemUnderTest>,
  plan: SeriesPlan,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<SeriesRecord> {
  const sut = await open();
  try {
    return await runSeries(sut, plan, options, signal);
  } finally {
    await sut.close();
  }
}

async function oursSeries(
  stack: BenchStack,
  dataset: Dataset,
  plan: SeriesPlan,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<SeriesRecord> {
  say(`── ours, ${plan.mix === 'mixed' ? 'the demo mix (SQL + webhooks)' : 'webhooks only'} ──`);
  const open = () => startOurs(stack, dataset, plan.mix, options.seed, warn);
  return measure(open, plan, options, signal);
}

/** Ours stopped (ingress and the pipeline) while the baseline runs, started again after. */
async function baselineSeries(
  stack: BenchStack,
  dataset: Dataset,
  plan: SeriesPlan,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<SeriesRecord> {
  say('── the baseline (Express + BullMQ), webhooks only ──');
  return withStopped(stack, OUR_SERVICES, say, async () => {
    say(
      `starting the baseline: Redis, the door, the worker (concurrency ${options.workerConcurrency})`,
    );
    const baseline = await launchBaseline(stack, {
      workerConcurrency: options.workerConcurrency,
      companyLimitMs: 0,
      startWorker: true,
    });
    try {
      const open = () => baselineSystem(stack, baseline, dataset, options.seed);
      return await measure(open, plan, options, signal);
    } finally {
      say('stopping the baseline');
      await baseline.stop();
    }
  });
}

export function chartPoints(series: readonly SeriesRecord[]): ChartPoint[] {
  return series
    .filter((s) => s.mix === 'webhook')
    .flatMap((s) =>
      s.steps.flatMap((step) =>
        step.freshness
          ? [
              {
                system: s.system,
                offeredRate: step.rate,
                p50Ms: step.freshness.p50,
                p99Ms: step.freshness.p99,
              },
            ]
          : [],
      ),
    );
}

function resultOf(
  options: BenchOptions,
  prepared: PreparedDataset,
  series: readonly SeriesRecord[],
  startedAt: Date,
) {
  const first: StepRecord | undefined = series[0]?.steps[0];
  const knee = (system: string) => series.find((s) => s.system === system && s.mix === 'webhook');
  const ours = knee('ours')?.knee;
  const baseline = knee('baseline')?.knee;
  return {
    scenario: 'freshness',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    options,
    dataset: {
      companies: prepared.dataset.companies.length,
      people: prepared.dataset.people.length,
      rowsWrittenByLoad: prepared.rowsWritten,
      idleAfterLoadMs: prepared.idleAfterMs,
    },
    // The first measured step after a load that wrote rows, reported on its own.
    firstRunAfterLoad: prepared.rowsWritten > 0 ? first : undefined,
    series,
    knees: {
      ours,
      baseline,
      oursMixed: series.find((s) => s.system === 'ours' && s.mix === 'mixed')?.knee,
      ratio: ours !== undefined && baseline !== undefined ? ours / baseline : undefined,
    },
  };
}

export async function runFreshness(
  stack: BenchStack,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<number> {
  const startedAt = new Date();
  const prepared = await prepareDataset(stack, options, signal);
  const series: SeriesRecord[] = [];
  for (const plan of seriesPlan(options)) {
    if (signal.aborted) break;
    const run = plan.system === 'ours' ? oursSeries : baselineSeries;
    series.push(await run(stack, prepared.dataset, plan, options, signal));
  }
  say();
  printSideBySide(series);
  const result = resultOf(options, prepared, series, startedAt);
  if (result.firstRunAfterLoad) {
    const f = result.firstRunAfterLoad.freshness;
    say(
      `first run after the dataset load (${prepared.rowsWritten} rows written): ` +
        `p50 ${f?.p50 ?? '–'} ms, p99 ${f?.p99 ?? '–'} ms, unseen ${result.firstRunAfterLoad.unseen}`,
    );
  }
  const path = writeResult('freshness', result, options.resultsDir);
  const svg = path.replace(/\.json$/, '.svg');
  await renderFreshnessChart(chartPoints(series), svg);
  say(`results: ${path}`);
  say(`chart:   ${svg}`);
  return 0;
}
