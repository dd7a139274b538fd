/**
 * `./bgs bench ingress`: signed-webhook throughput at the door. Ours (ingress's `legacy`
 * source, the predecessor's scheme) with the pipeline running, then with refresher, enricher
 * and sink stopped; then the baseline (ours stopped meanwhile) with its worker running, then
 * stopped. Each: a closed loop at N connections and an open loop at each fixed rate.
 */
import { WEBHOOK_PATH } from '../../../baseline/control';
import { DEFAULTS, type BenchOptions } from '../../args';
import { say } from '../../output';
import { stackProcesses } from '../../proc/sampler';
import { formatMs, formatRate, formatRatio, formatTable } from '../../report/table';
import { writeResult } from '../../results/results';
import { baselineProcesses, launchBaseline } from '../../systems/baseline';
import { OUR_SERVICES, PIPELINE_SERVICES, withStopped, type BenchStack } from '../../systems/stack';
import { LEGACY_SOURCE } from '../../traffic/webhook-client';
import { prepareDataset } from '../prepare';
import { measureDoor, WebhookBodies, type DoorRun, type PipelineState } from './door';

async function measureOurs(
  stack: BenchStack,
  bodies: WebhookBodies,
  rates: readonly number[],
  options: BenchOptions,
  signal: AbortSignal,
): Promise<DoorRun[]> {
  say('── ours: ingress, legacy x-signature source ──');
  const door = (pipeline: PipelineState) => ({
    system: 'ours' as const,
    pipeline,
    url: `${stack.endpoints.ingressUrl}/webhooks/${LEGACY_SOURCE}`,
    processes: () => stackProcesses(stack.stackDir),
  });
  const secret = stack.legacySecret;
  const running = await measureDoor(door('running'), bodies, secret, rates, options, signal);
  // The baseline runs while ours is still stopped: one restart of our services, not two.
  return withStopped(stack, PIPELINE_SERVICES, say, async () => [
    ...running,
    ...(await measureDoor(door('stopped'), bodies, secret, rates, options, signal)),
    ...(options.systems.includes('baseline') && !signal.aborted
      ? await measureBaseline(stack, bodies, rates, options, signal)
      : []),
  ]);
}

async function measureBaseline(
  stack: BenchStack,
  bodies: WebhookBodies,
  rates: readonly number[],
  options: BenchOptions,
  signal: AbortSignal,
): Promise<DoorRun[]> {
  say('── the baseline: Express door, BullMQ ──');
  // After ours, the pipeline is already stopped and only ingress is left; on its own, all four.
  const ours = options.systems.includes('ours') ? ['ingress' as const] : OUR_SERVICES;
  return withStopped(stack, ours, say, async () => {
    const baseline = await launchBaseline(stack, {
      workerConcurrency: options.workerConcurrency,
      // The predecessor's per-company limit is the worker's business; the door is measured.
      companyLimitMs: 0,
      startWorker: true,
    });
    try {
      const door = (pipeline: PipelineState) => ({
        system: 'baseline' as const,
        pipeline,
        url: `${baseline.url}${WEBHOOK_PATH}`,
        processes: baselineProcesses(stack, baseline),
      });
      const secret = stack.legacySecret;
      const running = await measureDoor(door('running'), bodies, secret, rates, options, signal);
      say('stopping the baseline worker');
      await baseline.stopWorker();
      const stopped = await measureDoor(door('stopped'), bodies, secret, rates, options, signal);
      return [...running, ...stopped];
    } finally {
      say('stopping the baseline');
      await baseline.stop();
    }
  });
}

const runLabel = (run: DoorRun): string =>
  run.mode === 'closed'
    ? `closed, ${run.connections} connections`
    : `open, ${formatRate(run.offeredRate ?? 0)} offered`;

/** One row per (pipeline state, mode): ours beside the baseline, with the ratio. */
export function ingressRows(runs: readonly DoorRun[]): string[][] {
  const keys = [...new Set(runs.map((run) => `${run.pipeline}|${runLabel(run)}`))];
  return keys.map((key) => {
    const [pipeline, label] = key.split('|') as [string, string];
    const find = (system: string) =>
      runs.find((r) => r.system === system && r.pipeline === pipeline && runLabel(r) === label);
    const ours = find('ours');
    const baseline = find('baseline');
    const rate = (run: DoorRun | undefined) => (run ? formatRate(run.requestsPerSecond) : '–');
    const latency = (run: DoorRun | undefined) =>
      run ? `${formatMs(run.p50Ms)} / ${formatMs(run.p99Ms)}` : '–';
    return [
      `pipeline ${pipeline}`,
      label,
      rate(ours),
      rate(baseline),
      formatRatio(ours?.requestsPerSecond, baseline?.requestsPerSecond),
      latency(ours),
      latency(baseline),
      `${ours?.failed ?? '–'} / ${baseline?.failed ?? '–'}`,
    ];
  });
}

export async function runIngress(
  stack: BenchStack,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<number> {
  const startedAt = new Date();
  const prepared = await prepareDataset(stack, options, signal);
  const bodies = await WebhookBodies.create(stack, prepared.dataset, options.seed);
  const rates = options.rates ?? DEFAULTS.ingressRates;
  const runs: DoorRun[] = [];
  if (options.systems.includes('ours')) {
    runs.push(...(await measureOurs(stack, bodies, rates, options, signal)));
  } else if (options.systems.includes('baseline')) {
    runs.push(...(await measureBaseline(stack, bodies, rates, options, signal)));
  }
  say();
  say(
    'webhooks accepted per second at the door (the pipeline: ours refresher/enricher/sink, the baseline its worker):',
  );
  say(
    formatTable(
      [
        'state',
        'load',
        'ours',
        'baseline',
        'ours/baseline',
        'ours p50 / p99',
        'baseline p50 / p99',
        'failed ours / baseline',
      ],
      ingressRows(runs),
    ),
  );
  const path = writeResult(
    'ingress',
    { scenario: 'ingress', startedAt: startedAt.toISOString(), options, runs },
    options.resultsDir,
  );
  say(`results: ${path}`);
  return 0;
}
