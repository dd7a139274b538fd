/**
 * What a step learns of its changes: one freshness sample per touched company, and the changes
 * never seen. Pure bookkeeping; the watcher and the database polls feed it.
 *
 * Freshness is measured the same way for both systems: a webhook from the moment its receiver
 * answered 2xx (the harness's clock, not the provider's `timestamp`), a SQL write from its
 * commit (the origin's occurredAt, Debezium's commit time), to the save of the group.
 */
import { FreshnessTracker, type BuyerGroupStateRecord } from '@bgs/demo';
import type { BenchChange, ChangeListener } from '../../traffic/change-maker';

export interface StepOutcome {
  readonly latencies: readonly number[];
  readonly unseen: number;
  readonly made: number;
  /** The first few unseen changes, to trace them: what was made, when, for which companies. */
  readonly unseenExamples?: readonly UnseenExample[];
}

export interface UnseenExample {
  readonly seq: number;
  readonly kind: string;
  readonly personId: string;
  readonly companyIds: readonly string[];
  readonly ref: string | undefined;
  readonly madeAt: string;
  readonly summary: string;
}

/** Enough to trace a loss by hand without bloating the result file. */
export const MAX_UNSEEN_EXAMPLES = 20;

/**
 * Ours: the demo's FreshnessTracker matches saved groups' origins to the changes (webhooks by
 * ref, SQL writes by the person the Debezium ref names) and tells which were never seen.
 */
export class OursStepLedger implements ChangeListener {
  private readonly tracker: FreshnessTracker;
  private readonly latencies: number[] = [];
  private readonly acceptedAt = new Map<number, number>();
  /** Saves of webhooks whose 2xx this process had not read yet: seq → savedAt. */
  private readonly early = new Map<number, number[]>();
  private readonly failedSeqs = new Set<number>();
  private madeCount = 0;

  constructor(startedAtMs: number) {
    this.tracker = new FreshnessTracker(startedAtMs);
  }

  planned(change: BenchChange): void {
    this.tracker.recordChange(change);
  }

  made(change: BenchChange, acceptedAt: number): void {
    this.madeCount++;
    if (change.ref === undefined) return;
    this.acceptedAt.set(change.seq, acceptedAt);
    for (const savedAt of this.early.get(change.seq) ?? [])
      this.latencies.push(savedAt - acceptedAt);
    this.early.delete(change.seq);
  }

  failed(change: BenchChange): void {
    this.failedSeqs.add(change.seq);
    this.early.delete(change.seq);
    this.tracker.forget(change.seq);
  }

  observe(group: BuyerGroupStateRecord): void {
    for (const sample of this.tracker.observe(group)) {
      const change = sample.change;
      if (!change) continue;
      if (change.ref === undefined) {
        this.latencies.push(sample.latencyMs);
        continue;
      }
      const acceptedAt = this.acceptedAt.get(change.seq);
      if (acceptedAt !== undefined) this.latencies.push(group.savedAt - acceptedAt);
      else if (!this.failedSeqs.has(change.seq)) this.earlyOf(change.seq).push(group.savedAt);
    }
  }

  /** Changes made (not failed) with a touched company not seen in a saved group yet. */
  unseenCount(): number {
    return this.tracker.unseenCount();
  }

  outcome(): StepOutcome {
    // A failed change is forgotten by the tracker (failed()), so it is never among these.
    const unseen = this.tracker.unseen();
    return {
      latencies: this.latencies,
      unseen: unseen.length,
      made: this.madeCount,
      unseenExamples: unseen.slice(0, MAX_UNSEEN_EXAMPLES).map(({ change, companyIds }) => ({
        seq: change.seq,
        kind: change.kind,
        personId: change.personId,
        companyIds,
        ref: change.ref,
        madeAt: new Date(change.madeAt).toISOString(),
        summary: change.summary,
      })),
    };
  }

  private earlyOf(seq: number): number[] {
    let saves = this.early.get(seq);
    if (!saves) this.early.set(seq, (saves = []));
    return saves;
  }
}

export interface AcceptedWebhook {
  readonly eventId: string;
  readonly companyIds: readonly string[];
  readonly acceptedAt: number;
}

/** What the baseline's refresh logs say: one save of a company for an event. */
export interface SaveRecord {
  readonly companyId: string;
  readonly eventId: string;
  readonly savedAt: number;
}

export const saveKey = (companyId: string, eventId: string): string =>
  `${companyId}\u0000${eventId}`;

/** The baseline: only webhooks; the 2xx times are matched to its saves afterwards. */
export class BaselineStepLedger implements ChangeListener {
  readonly accepted: AcceptedWebhook[] = [];
  /** First save per (company, event id), gathered over the polls. */
  readonly saves = new Map<string, number>();

  planned(): void {}

  made(change: BenchChange, acceptedAt: number): void {
    if (change.eventId === undefined) return;
    this.accepted.push({ eventId: change.eventId, companyIds: change.companyIds, acceptedAt });
  }

  failed(): void {}

  addSaves(saves: readonly SaveRecord[]): void {
    for (const save of saves) {
      const key = saveKey(save.companyId, save.eventId);
      const known = this.saves.get(key);
      if (known === undefined || save.savedAt < known) this.saves.set(key, save.savedAt);
    }
  }

  outcome(): StepOutcome {
    return { ...matchSaves(this.accepted, this.saves), made: this.accepted.length };
  }
}

/** One sample per (webhook, touched company) saved; a webhook with a company unsaved is unseen. */
export function matchSaves(
  accepted: readonly AcceptedWebhook[],
  saves: ReadonlyMap<string, number>,
): { latencies: number[]; unseen: number } {
  const latencies: number[] = [];
  let unseen = 0;
  for (const webhook of accepted) {
    let missing = false;
    for (const companyId of webhook.companyIds) {
      const savedAt = saves.get(saveKey(companyId, webhook.eventId));
      if (savedAt === undefined) missing = true;
      else latencies.push(savedAt - webhook.acceptedAt);
    }
    if (missing) unseen++;
  }
  return { latencies, unseen };
}
