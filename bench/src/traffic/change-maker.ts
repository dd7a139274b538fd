/**
 * Makes one planned change per open-loop slot: a SQL write to `people` through a pool that
 * waits for a connection (it never gives up under load, unlike the demo's 5 s timeout), or a
 * signed webhook to the system under test. As in the demo, a person with a write in flight is
 * left alone until it lands, so writes to one row apply in order, and a person whose write
 * failed is left alone for good (their row may not be what the workforce thinks).
 *
 * The step listening is told of each change *before* it is made, so a saved group that beats
 * the answer (the pipeline can be quicker than this process's event loop) still matches it.
 */
import {
  rowChangeSql,
  stampWebhookEvent,
  StaleRowError,
  webhookRef,
  type MadeChange,
  type PlannedChange,
  type Workforce,
} from '@bgs/demo';
import type { Pool } from 'pg';
import type { Planner } from './planner';
import type { WebhookClient } from './webhook-client';

/** A change made by the bench: the demo's MadeChange, plus the event id of a webhook. */
export interface BenchChange extends MadeChange {
  readonly eventId: string | undefined;
}

export interface ChangeListener {
  planned(change: BenchChange): void;
  /** The SQL write committed, or the webhook was answered 2xx, at `acceptedAt`. */
  made(change: BenchChange, acceptedAt: number): void;
  failed(change: BenchChange, error: unknown): void;
}

export class NothingToPlan extends Error {
  override readonly name = 'NothingToPlan';
  constructor() {
    super('no change could be planned (everyone busy?)');
  }
}

export interface ChangeMakerDeps {
  readonly pool: Pool;
  readonly workforce: Workforce;
  readonly planner: Planner;
  readonly webhook: WebhookClient;
  /** The source in the origin ref ingress writes, `webhook:<source>:<event id>`. */
  readonly source: string;
  /** Makes event ids new to the receiver on every run. */
  readonly runTag: string;
}

export class ChangeMaker {
  /** Where the changes of the current step are reported; undefined during warm-ups. */
  listener: ChangeListener | undefined;
  private readonly busy = new Set<string>();
  private readonly distrusted = new Set<string>();
  private seq = 0;

  constructor(private readonly deps: ChangeMakerDeps) {}

  async make(): Promise<void> {
    const { workforce, planner } = this.deps;
    const change = planner.plan((id) => !this.busy.has(id) && !this.distrusted.has(id));
    if (!change) throw new NothingToPlan();
    if (change.via === 'sql') {
      // The picture moves on at once, so the next plan builds on this change.
      workforce.apply(change.row);
      this.busy.add(change.personId);
    }
    const listener = this.listener;
    const made = this.describe(change, ++this.seq);
    listener?.planned(made);
    try {
      // Sent first: `listener?.made(made, await send())` would skip the send with no listener.
      const acceptedAt = await this.send(change, made);
      listener?.made(made, acceptedAt);
    } catch (error) {
      if (change.via === 'sql') {
        this.distrusted.add(change.personId);
        // A hire that never made it must not become anyone's manager.
        if (change.row.op === 'insert') workforce.update(change.personId, { status: 'left' });
      }
      listener?.failed(made, error);
      throw error;
    } finally {
      this.busy.delete(change.personId);
    }
  }

  private describe(change: PlannedChange, seq: number): BenchChange {
    const base = {
      seq,
      personId: change.personId,
      kind: `${change.via}:${change.kind}`,
      companyIds: change.companyIds,
      summary: change.summary,
      madeAt: Date.now(),
    };
    if (change.via === 'sql') return { ...base, ref: undefined, eventId: undefined };
    const eventId = `evt_bench_${this.deps.runTag}_${seq}`;
    return { ...base, ref: webhookRef(this.deps.source, eventId), eventId };
  }

  /** Makes the change; resolves with the time it was committed or accepted. */
  private async send(change: PlannedChange, made: BenchChange): Promise<number> {
    if (change.via === 'sql') {
      const { text, values } = rowChangeSql(change.row);
      const result = await this.deps.pool.query(text, [...values]);
      if (result.rowCount !== 1) throw new StaleRowError(`${change.personId} was not as expected`);
      return Date.now();
    }
    const eventId = made.eventId as string;
    const { body } = stampWebhookEvent(change.event, eventId, this.deps.source, made.madeAt);
    return this.deps.webhook.post(body, made.madeAt);
  }
}

/** The kind of a failed change, for the open loop's errorsByKind. */
export function classifyChangeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  if ('status' in error && typeof error.status === 'number') return `http ${error.status}`;
  if (error.name === 'StaleRowError' || error.name === 'NothingToPlan') return error.name;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined) return /^[0-9A-Z]{5}$/.test(code) ? `postgres ${code}` : code;
  return error.message.includes('timed out') ? 'timeout' : error.name;
}
