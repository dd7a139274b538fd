/**
 * Freshness: how long a source change takes to reach a saved buyer group. Each saved group
 * (a buyer-groups record) lists in `origins` the source changes its generation was the first to
 * include; every origin that happened after the demo started is one sample, savedAt −
 * occurredAt. A change that touches two companies (a move) yields two samples.
 *
 * The tracker also matches samples to the changes the traffic made, to tell at the end which
 * changes never arrived: a webhook by its ref (`webhook:demo:<event id>`); a SQL write, whose
 * full ref holds its position in the Postgres log and cannot be known in advance, by the person
 * the ref names (`cdc:people:<person id>:<lsn>`, packages/domain originRef), or, for a database
 * ref of another form, by company, oldest first.
 */

export interface MadeChange {
  readonly seq: number;
  readonly personId: string;
  /** `sql:title`, `webhook:person.promotion`, ... */
  readonly kind: string;
  readonly companyIds: readonly string[];
  /** Known for webhooks; undefined for SQL writes. */
  readonly ref: string | undefined;
  readonly madeAt: number;
  readonly summary: string;
}

export interface Origin {
  readonly ref: string;
  readonly occurredAt: number;
}

export interface SavedGroup {
  readonly companyId: string;
  readonly savedAt: number;
  readonly origins: readonly Origin[];
}

export interface Sample {
  readonly companyId: string;
  readonly ref: string;
  readonly latencyMs: number;
  /** The traffic change this sample belongs to, when it is one of ours. */
  readonly change: MadeChange | undefined;
}

/** Origins a SQL write can produce: anything but a webhook, an API request or a cooldown. */
export const isDatabaseRef = (ref: string): boolean =>
  !ref.startsWith('webhook:') && !ref.startsWith('api:') && !ref.startsWith('cooldown');

/** The person a Debezium origin of the people table names, if the ref has that form. */
const personOfCdcRef = (ref: string): string | undefined => /^cdc:people:([^:]+):/.exec(ref)?.[1];

/** Whether an origin can be the one a SQL write produced. */
export function isOriginOf(ref: string, change: MadeChange): boolean {
  if (change.ref !== undefined) return ref === change.ref;
  const person = personOfCdcRef(ref);
  return person !== undefined ? person === change.personId : isDatabaseRef(ref);
}

const originKey = (companyId: string, ref: string): string => `${companyId}\u0000${ref}`;

export class FreshnessTracker {
  private readonly latencies: number[] = [];
  private readonly seenOrigins = new Set<string>();
  private readonly changes: MadeChange[] = [];
  /** Per change (by seq), the companies it touched that have no sample yet. */
  private readonly waiting = new Map<number, Set<string>>();
  /**
   * How many changes still wait for a company, kept as they are seen: asked after every saved
   * group while a run drains, a count over all changes made the watcher itself a CPU load (a
   * fifth of the bench's CPU profile at 250 changes/s) on the machine it measures.
   */
  private waitingChanges = 0;
  private readonly byRef = new Map<string, MadeChange>();
  /** SQL writes without a sample yet, per company, oldest first. */
  private readonly sqlQueues = new Map<string, MadeChange[]>();
  /** Samples that arrived before their change was recorded, or that are not ours. */
  private readonly unmatched = new Map<string, Origin[]>();

  /** Until started, no origin counts: the watcher may see records before the demo begins. */
  constructor(private startedAtMs: number = Number.POSITIVE_INFINITY) {}

  start(atMs: number): void {
    this.startedAtMs = atMs;
  }

  get samples(): readonly number[] {
    return this.latencies;
  }

  get changesMade(): number {
    return this.changes.length;
  }

  recordChange(change: MadeChange): void {
    this.changes.push(change);
    const waiting = new Set(change.companyIds);
    this.waiting.set(change.seq, waiting);
    if (change.ref !== undefined) this.byRef.set(change.ref, change);
    for (const companyId of change.companyIds) {
      // The pipeline may have been quicker than the bookkeeping: claim what already came in.
      const early = this.unmatched.get(companyId) ?? [];
      const index = early.findIndex((origin) => isOriginOf(origin.ref, change));
      if (index >= 0) {
        early.splice(index, 1);
        waiting.delete(companyId);
      } else if (change.ref === undefined) {
        this.queueOf(companyId).push(change);
      }
    }
    if (waiting.size > 0) this.waitingChanges += 1;
  }

  /** Stops waiting for a change that was never made (its request failed). */
  forget(seq: number): void {
    const waiting = this.waiting.get(seq);
    if (waiting === undefined || waiting.size === 0) return;
    waiting.clear();
    this.waitingChanges -= 1;
  }

  /** Takes the samples of one saved group; returns the new ones (a redelivery adds none). */
  observe(group: SavedGroup): Sample[] {
    const samples: Sample[] = [];
    for (const origin of group.origins) {
      if (origin.occurredAt < this.startedAtMs) continue;
      const key = originKey(group.companyId, origin.ref);
      if (this.seenOrigins.has(key)) continue;
      this.seenOrigins.add(key);
      const latencyMs = group.savedAt - origin.occurredAt;
      this.latencies.push(latencyMs);
      const change = this.match(group.companyId, origin);
      samples.push({ companyId: group.companyId, ref: origin.ref, latencyMs, change });
    }
    return samples;
  }

  /** Changes with at least one touched company not seen in a saved group yet. */
  unseen(): { change: MadeChange; companyIds: string[] }[] {
    return this.changes.flatMap((change) => {
      const waiting = this.waiting.get(change.seq);
      return waiting && waiting.size > 0 ? [{ change, companyIds: [...waiting] }] : [];
    });
  }

  /** How many changes have a touched company not seen in a saved group yet. */
  unseenCount(): number {
    return this.waitingChanges;
  }

  allSeen(): boolean {
    return this.waitingChanges === 0;
  }

  /** Marks a company of a change seen; false if it was not waited for. */
  private see(seq: number, companyId: string): boolean {
    const waiting = this.waiting.get(seq);
    if (waiting === undefined || !waiting.delete(companyId)) return false;
    if (waiting.size === 0) this.waitingChanges -= 1;
    return true;
  }

  private match(companyId: string, origin: Origin): MadeChange | undefined {
    const byRef = this.byRef.get(origin.ref);
    if (byRef && this.see(byRef.seq, companyId)) return byRef;
    if (!byRef && isDatabaseRef(origin.ref)) {
      const queue = this.queueOf(companyId);
      const index = queue.findIndex((change) => isOriginOf(origin.ref, change));
      const [change] = index >= 0 ? queue.splice(index, 1) : [];
      if (change) {
        this.see(change.seq, companyId);
        return change;
      }
    }
    this.unmatchedOf(companyId).push(origin);
    return undefined;
  }

  private queueOf(companyId: string): MadeChange[] {
    let queue = this.sqlQueues.get(companyId);
    if (!queue) this.sqlQueues.set(companyId, (queue = []));
    return queue;
  }

  private unmatchedOf(companyId: string): Origin[] {
    let origins = this.unmatched.get(companyId);
    if (!origins) this.unmatched.set(companyId, (origins = []));
    return origins;
  }
}
