/**
 * buyergroup-stream as a system under test: changes go to Postgres (CDC) and to ingress's
 * `legacy` source; arrivals are read from the `buyer-groups` topic with the demo's watcher.
 */
import { startWatcher, type Dataset } from '@bgs/demo';
import { randomBytes } from 'node:crypto';
import type { Mix } from '../args';
import { LagSampler } from '../lag/lag-sampler';
import { stackProcesses } from '../proc/sampler';
import { OursStepLedger } from '../scenarios/freshness/ledgers';
import { LEGACY_SOURCE } from '../traffic/webhook-client';
import { PIPELINE_GROUPS } from './idle';
import type { BenchStack } from './stack';
import { createMaker, until, type StepLedger, type SystemUnderTest } from './system';

const JOIN_TIMEOUT_MS = 30_000;

export async function startOurs(
  stack: BenchStack,
  dataset: Dataset,
  mix: Mix,
  seed: number,
  warn: (line: string) => void,
): Promise<SystemUnderTest> {
  const { maker, webhook } = await createMaker({
    stack,
    dataset,
    mix,
    seed,
    webhookUrl: `${stack.endpoints.ingressUrl}/webhooks/${LEGACY_SOURCE}`,
  });
  let current: OursStepLedger | undefined;
  let poke: () => void = () => undefined;
  let badRecords = 0;
  const watcher = await startWatcher({
    kafka: stack.kafka,
    codec: stack.codec,
    groupId: `bgs-bench-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
    joinTimeoutMs: JOIN_TIMEOUT_MS,
    handlers: {
      onChange: () => undefined,
      onState: (record) => {
        current?.observe(record);
        poke();
      },
      onBadRecord: (topic, error) => {
        if (++badRecords <= 3) warn(`! unreadable record on ${topic}: ${String(error)}`);
      },
    },
  });
  return {
    name: 'ours',
    mix,
    maker,
    beginStep(startedAtMs): StepLedger {
      current = new OursStepLedger(startedAtMs);
      return current;
    },
    async settle(ledger, timeoutMs, signal) {
      const ours = ledger as OursStepLedger;
      const wait = until(() => ours.unseenCount() === 0, timeoutMs, signal);
      poke = wait.poke;
      await wait.promise;
      poke = () => undefined;
    },
    watchLag() {
      const sampler = new LagSampler(stack.admin, { intervalMs: 1_000, groups: PIPELINE_GROUPS });
      sampler.start();
      return { stop: () => sampler.stop() };
    },
    processes: () => stackProcesses(stack.stackDir),
    async close() {
      current = undefined;
      webhook.close();
      await watcher.stop();
    },
  };
}
