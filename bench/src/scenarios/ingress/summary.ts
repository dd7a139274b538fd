/**
 * The ingress scenario's closing table: ours beside each other door measured in the run, with
 * ours' rate as a ratio of each. Pure; unit-tested.
 */
import type { SystemName } from '../../args';
import { formatMs, formatRate, formatRatio, NONE } from '../../report/table';
import type { DoorRun } from './door';

/** The doors ours is compared with, in this order, those with runs only. */
const OTHERS = ['baseline', 'bare'] as const satisfies readonly SystemName[];

export const comparedSystems = (runs: readonly DoorRun[]): SystemName[] =>
  OTHERS.filter((system) => runs.some((run) => run.system === system));

const runLabel = (run: DoorRun): string =>
  run.mode === 'closed'
    ? `closed, ${run.connections} connections`
    : `open, ${formatRate(run.offeredRate ?? 0)} offered`;

export function ingressHeaders(runs: readonly DoorRun[]): string[] {
  const others = comparedSystems(runs);
  return [
    'state',
    'load',
    'ours',
    ...others,
    ...others.map((other) => `ours/${other}`),
    'ours p50 / p99',
    ...others.map((other) => `${other} p50 / p99`),
    `failed ${['ours', ...others].join(' / ')}`,
  ];
}

/**
 * One row per (pipeline state, load) of ours and the baseline. The bare door has no pipeline
 * and is measured once: it stands beside both states, the ceiling for either.
 */
export function ingressRows(runs: readonly DoorRun[]): string[][] {
  const others = comparedSystems(runs);
  const withPipeline = runs.filter((run) => run.system !== 'bare');
  const keyed = withPipeline.length > 0 ? withPipeline : runs;
  const keys = [...new Set(keyed.map((run) => `${run.pipeline}|${runLabel(run)}`))];
  return keys.map((key) => {
    const [pipeline, label] = key.split('|') as [string, string];
    const find = (system: SystemName) =>
      runs.find(
        (run) =>
          run.system === system &&
          runLabel(run) === label &&
          (system === 'bare' || run.pipeline === pipeline),
      );
    const ours = find('ours');
    const found = others.map(find);
    const rate = (run: DoorRun | undefined) => (run ? formatRate(run.requestsPerSecond) : NONE);
    const latency = (run: DoorRun | undefined) =>
      run ? `${formatMs(run.p50Ms)} / ${formatMs(run.p99Ms)}` : NONE;
    return [
      `pipeline ${pipeline}`,
      label,
      rate(ours),
      ...found.map(rate),
      ...found.map((other) => formatRatio(ours?.requestsPerSecond, other?.requestsPerSecond)),
      latency(ours),
      ...found.map(latency),
      [ours, ...found].map((run) => String(run?.failed ?? NONE)).join(' / '),
    ];
  });
}
