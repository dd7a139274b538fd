/**
 * A system under test, as the freshness steps see it: something that takes changes (the
 * maker), reports which of a step's changes arrived and when (the ledger), and whose queues and
 * processes can be watched. `ours.ts` and `baseline.ts` build one each.
 */
import {
  createRandom,
  focusWeight,
  readWorkforce,
  WORKSPACES,
  type Dataset,
  type Workforce,
} from '@bgs/demo';
import { randomBytes } from 'node:crypto';
import type { Mix, PipelineSystem } from '../args';
import type { ProcessTarget } from '../proc/sampler';
import type { StepOutcome } from '../scenarios/freshness/ledgers';
import { ChangeMaker, type ChangeListener } from '../traffic/change-maker';
import { Planner } from '../traffic/planner';
import { LEGACY_SOURCE, WebhookClient } from '../traffic/webhook-client';
import type { BenchStack } from './stack';

export interface StepLedger extends ChangeListener {
  outcome(): StepOutcome;
}

export interface LagWatch {
  stop(): Promise<Record<string, number>>;
}

export interface SystemUnderTest {
  readonly name: PipelineSystem;
  readonly mix: Mix;
  readonly maker: ChangeMaker;
  beginStep(startedAtMs: number): StepLedger;
  /** Waits until every change of the step has been seen, or the timeout. */
  settle(ledger: StepLedger, timeoutMs: number, signal: AbortSignal): Promise<void>;
  watchLag(): LagWatch;
  processes(): ProcessTarget[];
  close(): Promise<void>;
}

/** Keep-alive connections to the door: enough for thousands per second at tens of ms each. */
export const WEBHOOK_SOCKETS = 256;

export interface MakerSetup {
  readonly stack: BenchStack;
  readonly dataset: Dataset;
  readonly mix: Mix;
  readonly seed: number;
  readonly webhookUrl: string;
}

/** The workforce as Postgres has it now, and a change maker over it. */
export async function createMaker(setup: MakerSetup): Promise<{
  maker: ChangeMaker;
  workforce: Workforce;
  webhook: WebhookClient;
}> {
  const { stack, dataset } = setup;
  const workforce = await readWorkforce(
    stack.pool,
    dataset.companies.map((company) => company.id),
  );
  const targets = new Map(WORKSPACES.map((w) => [w.workspaceId, w.targetDepartments]));
  const random = createRandom((setup.seed ^ 0xbe9c_4a11) >>> 0);
  const planner = new Planner(workforce, random, focusWeight(workforce, targets), setup.mix);
  const webhook = new WebhookClient(setup.webhookUrl, stack.legacySecret, WEBHOOK_SOCKETS);
  const maker = new ChangeMaker({
    pool: stack.pool,
    workforce,
    planner,
    webhook,
    source: LEGACY_SOURCE,
    runTag: `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
  });
  return { maker, workforce, webhook };
}

/** Every pid once: the stack's PID files may list the baseline's Redis too. */
export function uniqueTargets(targets: readonly ProcessTarget[]): ProcessTarget[] {
  const seen = new Set<number>();
  return targets.filter((target) => !seen.has(target.pid) && seen.add(target.pid));
}

/** Resolves when `done()` holds (checked on each `poke` and every 250 ms), or at the timeout. */
export function until(
  done: () => boolean,
  timeoutMs: number,
  signal: AbortSignal,
): { promise: Promise<void>; poke: () => void } {
  let poke: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    const finish = () => {
      clearInterval(timer);
      clearTimeout(deadline);
      signal.removeEventListener('abort', finish);
      poke = () => undefined;
      resolve();
    };
    const check = () => {
      if (done()) finish();
    };
    const timer = setInterval(check, 250);
    const deadline = setTimeout(finish, timeoutMs);
    signal.addEventListener('abort', finish, { once: true });
    poke = check;
    check();
  });
  return { promise, poke: () => poke() };
}
