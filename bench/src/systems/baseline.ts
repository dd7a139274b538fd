/**
 * The predecessor's BullMQ design (bench/baseline/) as a system under test: webhooks to its
 * Express door, arrivals read from its refresh logs in Postgres, its backlog from Redis.
 */
import type { Dataset } from '@bgs/demo';
import {
  DEFAULT_HTTP_PORT,
  DEFAULT_REDIS_PORT,
  readBaselineSaves,
  startBaseline,
  WEBHOOK_PATH,
  waitingJobs,
  type RunningBaseline,
} from '../../baseline/control';
import { stackProcesses } from '../proc/sampler';
import { BaselineStepLedger } from '../scenarios/freshness/ledgers';
import type { BenchStack } from './stack';
import { createMaker, uniqueTargets, type SystemUnderTest } from './system';

const SAVES_POLL_MS = 1_000;
const QUEUE_POLL_MS = 500;
/** Re-read this far back each poll: a save committed late still has its own saved_at. */
const SAVES_OVERLAP_MS = 10_000;

export interface BaselineSetup {
  readonly workerConcurrency: number;
  /** The predecessor's per-company window; 0 for freshness runs, as ours has none. */
  readonly companyLimitMs: number;
  readonly startWorker: boolean;
}

export const baselineRedisPort = (env: NodeJS.ProcessEnv = process.env): number =>
  Number(env.BGS_BASELINE_REDIS_PORT ?? DEFAULT_REDIS_PORT);
export const baselineHttpPort = (env: NodeJS.ProcessEnv = process.env): number =>
  Number(env.BGS_BASELINE_HTTP_PORT ?? DEFAULT_HTTP_PORT);

export function launchBaseline(stack: BenchStack, setup: BaselineSetup): Promise<RunningBaseline> {
  return startBaseline({
    stackDir: stack.stackDir,
    databaseUrl: stack.endpoints.databaseUrl,
    httpPort: baselineHttpPort(),
    redisPort: baselineRedisPort(),
    workerConcurrency: setup.workerConcurrency,
    companyLimitMs: setup.companyLimitMs,
    webhookSecret: stack.legacySecret,
    startWorker: setup.startWorker,
  });
}

export function baselineProcesses(stack: BenchStack, baseline: RunningBaseline) {
  return () => uniqueTargets([...stackProcesses(stack.stackDir), ...baseline.processes()]);
}

/** Gathers the baseline's saves since the step began until every change has one, or the timeout. */
async function settleBaseline(
  stack: BenchStack,
  ledger: BaselineStepLedger,
  sinceMs: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let cursor = sinceMs;
  for (;;) {
    const saves = await readBaselineSaves(stack.pool, cursor);
    ledger.addSaves(saves);
    const newest = saves.reduce((most, save) => Math.max(most, save.savedAt), cursor);
    cursor = Math.max(sinceMs, newest - SAVES_OVERLAP_MS);
    if (ledger.outcome().unseen === 0 || Date.now() > deadline || signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, SAVES_POLL_MS));
  }
}

export async function baselineSystem(
  stack: BenchStack,
  baseline: RunningBaseline,
  dataset: Dataset,
  seed: number,
): Promise<SystemUnderTest> {
  const { maker, webhook } = await createMaker({
    stack,
    dataset,
    mix: 'webhook',
    seed,
    webhookUrl: `${baseline.url}${WEBHOOK_PATH}`,
  });
  let stepStartedAt = 0;
  return {
    name: 'baseline',
    mix: 'webhook',
    maker,
    beginStep(startedAtMs) {
      stepStartedAt = startedAtMs;
      return new BaselineStepLedger();
    },
    settle: (ledger, timeoutMs, signal) =>
      settleBaseline(stack, ledger as BaselineStepLedger, stepStartedAt, timeoutMs, signal),
    watchLag() {
      let peak = 0;
      const sample = () =>
        waitingJobs(baselineRedisPort()).then(
          (waiting) => (peak = Math.max(peak, waiting)),
          () => undefined,
        );
      const timer = setInterval(() => void sample(), QUEUE_POLL_MS);
      return {
        async stop() {
          clearInterval(timer);
          await sample();
          return { 'bullmq waiting jobs': peak };
        },
      };
    },
    processes: baselineProcesses(stack, baseline),
    async close() {
      webhook.close();
    },
  };
}
