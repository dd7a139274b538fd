/**
 * `./bgs bench ingress`: signed-webhook throughput at the door. Ours (ingress's `legacy`
 * source, the predecessor's scheme) with the pipeline running, then with refresher, enricher
 * and sink stopped; an independent count of what ours put on `person-changes` against its 2xx
 * answers; then, ours' pipeline still stopped, the bare door (node:http and ingress's verifier
 * only: the machine's ceiling) and the baseline (ours stopped meanwhile) with its worker
 * running, then stopped. Each: a closed loop at N connections and an open loop at each rate.
 */
import { errorText } from '@bgs/demo';
import { Topics } from '@bgs/platform';
import { WEBHOOK_PATH } from '../../../baseline/control';
import { DEFAULTS, type BenchOptions } from '../../args';
import { endOffsets, type PartitionOffsets } from '../../kafka/topic-range';
import { say, warn } from '../../output';
import { stackProcesses } from '../../proc/sampler';
import { formatTable } from '../../report/table';
import { writeResult } from '../../results/results';
import { baselineProcesses, launchBaseline } from '../../systems/baseline';
import { OUR_SERVICES, PIPELINE_SERVICES, withStopped, type BenchStack } from '../../systems/stack';
import { uniqueTargets } from '../../systems/system';
import { LEGACY_SOURCE } from '../../traffic/webhook-client';
import { prepareDataset } from '../prepare';
import { startBareDoor } from './bare-door';
import { measureDoor, WebhookBodies, type DoorRun, type PipelineState } from './door';
import { ingressHeaders, ingressRows } from './summary';
import { acceptedBy, countOnTopic, topicCountLines, type TopicCount } from './topic-count';

/** The count, or why it could not be made (the run then fails, but keeps its figures). */
type TopicCheck = TopicCount | { readonly error: string };

interface Measured {
  readonly runs: DoorRun[];
  /** Present when ours ran. */
  readonly topic?: TopicCheck;
}

async function measureOurs(
  stack: BenchStack,
  bodies: WebhookBodies,
  rates: readonly number[],
  options: BenchOptions,
  signal: AbortSignal,
): Promise<Measured> {
  say('── ours: ingress, legacy x-signature source ──');
  // Before ours' first request (its warm-up's included): where the independent count starts.
  const from = await endOffsets(stack.admin, Topics.personChanges);
  const door = (pipeline: PipelineState) => ({
    system: 'ours' as const,
    pipeline,
    url: `${stack.endpoints.ingressUrl}/webhooks/${LEGACY_SOURCE}`,
    processes: () => stackProcesses(stack.stackDir),
  });
  const secret = stack.legacySecret;
  const running = await measureDoor(door('running'), bodies, secret, rates, options, signal);
  // The other doors run while ours is still stopped: one restart of our services, not two.
  return withStopped(stack, PIPELINE_SERVICES, say, async () => {
    const stopped = await measureDoor(door('stopped'), bodies, secret, rates, options, signal);
    const ours = [...running, ...stopped];
    const topic = await checkTopic(stack, bodies, ours, from);
    const others = await measureOthers(stack, bodies, rates, options, signal, 'stopped');
    return { runs: [...ours, ...others], topic };
  });
}

async function checkTopic(
  stack: BenchStack,
  bodies: WebhookBodies,
  ours: readonly DoorRun[],
  from: PartitionOffsets,
): Promise<TopicCheck> {
  say(`counting ours' records on ${Topics.personChanges} with a consumer of the bench's own`);
  try {
    const to = await endOffsets(stack.admin, Topics.personChanges);
    return await countOnTopic(stack.kafka, { from, to }, bodies.eventIdPrefix, acceptedBy(ours));
  } catch (error) {
    return { error: errorText(error) };
  }
}

/** The bare door, then the baseline; `oursPipeline`: the state ours is left in meanwhile. */
async function measureOthers(
  stack: BenchStack,
  bodies: WebhookBodies,
  rates: readonly number[],
  options: BenchOptions,
  signal: AbortSignal,
  oursPipeline: PipelineState,
): Promise<DoorRun[]> {
  const runs: DoorRun[] = [];
  if (options.systems.includes('bare') && !signal.aborted) {
    runs.push(...(await measureBare(stack, bodies, rates, options, signal, oursPipeline)));
  }
  if (options.systems.includes('baseline') && !signal.aborted) {
    runs.push(...(await measureBaseline(stack, bodies, rates, options, signal)));
  }
  return runs;
}

async function measureBare(
  stack: BenchStack,
  bodies: WebhookBodies,
  rates: readonly number[],
  options: BenchOptions,
  signal: AbortSignal,
  oursPipeline: PipelineState,
): Promise<DoorRun[]> {
  say("── bare: node:http and ingress's verifier, nothing else ──");
  const bare = await startBareDoor(stack.legacySecret);
  try {
    const door = {
      system: 'bare' as const,
      pipeline: oursPipeline,
      url: bare.url,
      // The stack's processes too, as for the baseline: what else used the machine meanwhile.
      processes: () => uniqueTargets([...stackProcesses(stack.stackDir), bare.process]),
    };
    return await measureDoor(door, bodies, stack.legacySecret, rates, options, signal);
  } finally {
    say('stopping the bare door');
    await bare.process.stop();
  }
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

export async function runIngress(
  stack: BenchStack,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<number> {
  const startedAt = new Date();
  const prepared = await prepareDataset(stack, options, signal);
  const bodies = await WebhookBodies.create(stack, prepared.dataset, options.seed);
  const rates = options.rates ?? DEFAULTS.ingressRates;
  const { runs, topic }: Measured = options.systems.includes('ours')
    ? await measureOurs(stack, bodies, rates, options, signal)
    : { runs: await measureOthers(stack, bodies, rates, options, signal, 'running') };
  say();
  say(
    'webhooks accepted per second at the door (the pipeline: ours refresher/enricher/sink, the baseline its worker; the bare door has none):',
  );
  say(formatTable(ingressHeaders(runs), ingressRows(runs)));
  if (topic) reportTopic(topic);
  const path = writeResult(
    'ingress',
    { scenario: 'ingress', startedAt: startedAt.toISOString(), options, runs, topic },
    options.resultsDir,
  );
  say(`results: ${path}`);
  // A record missing or twice is a failed run, whatever the figures.
  return topic === undefined || ('exactlyOnce' in topic && topic.exactlyOnce) ? 0 : 1;
}

function reportTopic(topic: TopicCheck): void {
  say();
  if ('error' in topic) warn(`topic: could not count ours' records (${topic.error})`);
  else for (const line of topicCountLines(topic)) say(line);
}
