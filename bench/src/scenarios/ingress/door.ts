/**
 * Measures one webhook door (ours, the baseline's or the bare one) in one state: a closed loop
 * at N connections with autocannon in a child process, then an open loop at each fixed rate
 * from this process. Every request is a real `person.*` event of the dataset, signed with the
 * legacy `x-signature` scheme, each with its own event id.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  createRandom,
  focusWeight,
  readWorkforce,
  stampWebhookEvent,
  WORKSPACES,
  type Dataset,
} from '@bgs/demo';
import type { BenchOptions, SystemName } from '../../args';
import { say } from '../../output';
import { ProcSampler, type ProcessTarget, type ProcessUsage } from '../../proc/sampler';
import { formatRate } from '../../report/table';
import { runOpenLoop } from '../../schedule/open-loop';
import { summariseLatencies } from '@bgs/demo';
import type { BenchStack } from '../../systems/stack';
import { WEBHOOK_SOCKETS } from '../../systems/system';
import { classifyChangeError } from '../../traffic/change-maker';
import { Planner } from '../../traffic/planner';
import { LEGACY_SOURCE, legacySignatureHeaders, WebhookClient } from '../../traffic/webhook-client';
import type { DriveJob, DriveResult, PreparedRequest } from './drive';

export type PipelineState = 'running' | 'stopped';

export interface DoorRun {
  readonly system: SystemName;
  /**
   * Ours: refresher, enricher and sink; the baseline: its BullMQ worker; the bare door has
   * none: the state of ours while it ran.
   */
  readonly pipeline: PipelineState;
  readonly mode: 'closed' | 'open';
  readonly connections: number | undefined;
  readonly offeredRate: number | undefined;
  readonly requestsPerSecond: number;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly ok2xx: number;
  /** 2xx answers to the warm-up before a closed loop (0 for the open loop, which has none). */
  readonly warmupOk2xx: number;
  readonly failed: number;
  readonly errorsByKind: Readonly<Record<string, number>>;
  readonly generatorFellBehind: boolean;
  readonly processes: readonly ProcessUsage[];
}

/** Webhook bodies planned from the dataset's people, each with a new event id. */
export class WebhookBodies {
  private count = 0;
  /** Every body's event id starts with it: this run's deliveries, told apart on the topic. */
  readonly eventIdPrefix = `evt_ingress_${Date.now().toString(36)}${randomBytes(3).toString('hex')}_`;

  private constructor(private readonly planner: Planner) {}

  static async create(stack: BenchStack, dataset: Dataset, seed: number): Promise<WebhookBodies> {
    const workforce = await readWorkforce(
      stack.pool,
      dataset.companies.map((c) => c.id),
    );
    const targets = new Map(WORKSPACES.map((w) => [w.workspaceId, w.targetDepartments]));
    const random = createRandom((seed ^ 0x1f0d_d00e) >>> 0);
    return new WebhookBodies(
      new Planner(workforce, random, focusWeight(workforce, targets), 'webhook'),
    );
  }

  next(atMs: number): string {
    const change = this.planner.plan(() => true);
    if (change?.via !== 'webhook') throw new Error('no webhook could be planned');
    const eventId = `${this.eventIdPrefix}${++this.count}`;
    return stampWebhookEvent(change.event, eventId, LEGACY_SOURCE, atMs).body;
  }

  signed(count: number, secret: string): PreparedRequest[] {
    const now = Date.now();
    return Array.from({ length: count }, () => {
      const body = this.next(now);
      return {
        body,
        headers: {
          'content-type': 'application/json',
          ...legacySignatureHeaders(secret, body, now),
        },
      };
    });
  }
}

function driveInChild(job: DriveJob): Promise<DriveResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'drive-main.js'), [JSON.stringify(job)], {
      stdio: 'inherit',
    });
    let result: DriveResult | undefined;
    child.on('message', (message) => (result = message as DriveResult));
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the load generator exited with ${code}`)),
    );
  });
}

export interface Door {
  readonly system: SystemName;
  readonly pipeline: PipelineState;
  readonly url: string;
  readonly processes: () => readonly ProcessTarget[];
}

async function closedLoop(
  door: Door,
  requests: PreparedRequest[],
  connections: number,
): Promise<DriveResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bgs-bench-'));
  try {
    const requestsFile = path.join(dir, 'requests.json');
    writeFileSync(requestsFile, JSON.stringify(requests));
    return await driveInChild({ url: door.url, requestsFile, connections });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function sampled<T>(
  door: Door,
  body: () => Promise<T>,
): Promise<{ value: T; processes: ProcessUsage[] }> {
  const sampler = new ProcSampler(door.processes);
  sampler.start();
  let value: T;
  try {
    value = await body();
  } catch (error) {
    sampler.stop();
    throw error;
  }
  return { value, processes: sampler.stop() };
}

async function measureClosed(
  door: Door,
  bodies: WebhookBodies,
  secret: string,
  options: BenchOptions,
): Promise<DoorRun> {
  const warmup = Math.max(50, Math.floor(options.requests / 10));
  say(
    `${door.system} (pipeline ${door.pipeline}): closed loop, ${options.connections} connections`,
  );
  const warm = await closedLoop(door, bodies.signed(warmup, secret), options.connections);
  const requests = bodies.signed(options.requests, secret);
  const { value: result, processes } = await sampled(door, () =>
    closedLoop(door, requests, options.connections),
  );
  say(
    `· ${result.sent} requests in ${result.durationS} s: ${formatRate(result.requestsPerSecond)}`,
  );
  return {
    system: door.system,
    pipeline: door.pipeline,
    mode: 'closed',
    connections: options.connections,
    offeredRate: undefined,
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    ok2xx: result.ok2xx,
    warmupOk2xx: warm.ok2xx,
    failed: result.non2xx + result.errors,
    errorsByKind: {
      ...Object.fromEntries(
        Object.entries(result.statuses)
          .filter(([status]) => !status.startsWith('2'))
          .map(([status, count]) => [`http ${status}`, count]),
      ),
      ...(result.errors > 0 ? { errors: result.errors } : {}),
    },
    generatorFellBehind: false,
    processes,
  };
}

async function measureOpen(
  door: Door,
  bodies: WebhookBodies,
  secret: string,
  rate: number,
  options: BenchOptions,
  signal: AbortSignal,
): Promise<DoorRun> {
  const durationMs = (options.stepSeconds ?? 15) * 1000;
  say(`${door.system} (pipeline ${door.pipeline}): open loop at ${formatRate(rate)}`);
  const client = new WebhookClient(door.url, secret, WEBHOOK_SOCKETS);
  const latencies: number[] = [];
  const task = async () => {
    const started = Date.now();
    const answeredAt = await client.post(bodies.next(started), started);
    latencies.push(answeredAt - started);
  };
  try {
    const { value: report, processes } = await sampled(door, () =>
      runOpenLoop(
        { rate, durationMs, maxInFlight: options.maxInFlight, signal },
        task,
        classifyChangeError,
      ),
    );
    const summary = summariseLatencies(latencies);
    return {
      system: door.system,
      pipeline: door.pipeline,
      mode: 'open',
      connections: undefined,
      offeredRate: report.offeredRate,
      requestsPerSecond: report.achievedRate,
      p50Ms: summary?.p50,
      p99Ms: summary?.p99,
      ok2xx: report.succeeded,
      warmupOk2xx: 0,
      failed: report.failed,
      errorsByKind: report.errorsByKind,
      generatorFellBehind: report.generatorFellBehind,
      processes,
    };
  } finally {
    client.close();
  }
}

export async function measureDoor(
  door: Door,
  bodies: WebhookBodies,
  secret: string,
  rates: readonly number[],
  options: BenchOptions,
  signal: AbortSignal,
): Promise<DoorRun[]> {
  const runs = [await measureClosed(door, bodies, secret, options)];
  for (const rate of rates) {
    if (signal.aborted) break;
    runs.push(await measureOpen(door, bodies, secret, rate, options, signal));
  }
  return runs;
}
