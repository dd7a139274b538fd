/** The freshness scenario's tables: one per step, then ours beside the baseline. */
import { say } from '../../output';
import { formatMs, formatRate, formatRatio, formatTable } from '../../report/table';
import type { ProcessUsage } from '../../proc/sampler';
import { sideBySide, type SeriesRecord, type StepRecord } from './shape';

const entries = (record: Readonly<Record<string, number>>): string =>
  Object.entries(record)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ') || 'none';

const processRows = (processes: readonly ProcessUsage[]): string[][] =>
  processes.map((p) => [p.name, `${p.cpuPercent.toFixed(0)} %`, `${p.peakRssMb.toFixed(0)} MB`]);

export function printStep(step: StepRecord): void {
  const f = step.freshness;
  say();
  say(
    formatTable(
      ['system', 'offered', 'achieved', 'p50', 'p90', 'p99', 'max', 'samples', 'unseen'],
      [
        [
          `${step.system} (${step.mix})`,
          formatRate(step.offeredRate),
          formatRate(step.achievedRate),
          formatMs(f?.p50),
          formatMs(f?.p90),
          formatMs(f?.p99),
          formatMs(f?.max),
          String(step.samples),
          String(step.unseen),
        ],
      ],
    ),
  );
  say(`peak lag: ${entries(step.peakLag)}`);
  say(`errors: ${entries(step.errorsByKind)}`);
  if (step.schedule.generatorFellBehind) {
    say(
      `! the generator fell behind: ${step.schedule.droppedAtCap} dropped at the in-flight cap, ` +
        `${step.schedule.lateStarts} late starts (max ${formatMs(step.schedule.maxStartDelayMs)})`,
    );
  }
  say(formatTable(['process', 'CPU', 'peak RSS'], processRows(step.processes)));
  say();
}

const p50p99 = (step: StepRecord | undefined): string =>
  step?.freshness
    ? `${formatMs(step.freshness.p50)} / ${formatMs(step.freshness.p99)}`
    : step
      ? 'none seen'
      : '—';

const achieved = (step: StepRecord | undefined): string =>
  step ? formatRate(step.achievedRate) : '—';

export function printSideBySide(series: readonly SeriesRecord[]): void {
  const rows = sideBySide(series).map((row) => [
    formatRate(row.rate),
    achieved(row.ours),
    p50p99(row.ours),
    achieved(row.baseline),
    p50p99(row.baseline),
    formatRatio(row.ours?.freshness?.p50, row.baseline?.freshness?.p50),
    formatRatio(row.ours?.freshness?.p99, row.baseline?.freshness?.p99),
    p50p99(row.oursMixed),
  ]);
  say('freshness, webhook traffic for both (ours also with the demo mix of SQL and webhooks):');
  say(
    formatTable(
      [
        'offered',
        'ours achieved',
        'ours p50 / p99',
        'baseline achieved',
        'baseline p50 / p99',
        'p50 ours/baseline',
        'p99 ours/baseline',
        'ours mixed p50 / p99',
      ],
      rows,
    ),
  );
  const find = (system: string, mix: string) =>
    series.find((s) => s.system === system && s.mix === mix);
  const kneeText = (system: string, mix: string) => {
    const found = find(system, mix);
    if (!found) return 'not run';
    return found.knee === undefined
      ? 'none (the first step missed p99 < 1 s)'
      : formatRate(found.knee);
  };
  say(
    `knee (highest rate held with p99 < 1 s): ours ${kneeText('ours', 'webhook')}, ` +
      `baseline ${kneeText('baseline', 'webhook')}, ours/baseline ` +
      `${formatRatio(find('ours', 'webhook')?.knee, find('baseline', 'webhook')?.knee)}; ` +
      `ours with the mix ${kneeText('ours', 'mixed')}`,
  );
}
