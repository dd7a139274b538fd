/**
 * The ledger in memory: for unit tests, which must not need Postgres. A restart forgets it all;
 * the running service uses pg-ledger.ts. Memory stays bounded however many keys callers invent.
 */
import type { Operation } from './contract';
import {
  STATS_KEYS_LIMIT,
  isWellFormed,
  paidCallRecord,
  type KeyStats,
  type Ledger,
  type LedgerOutcome,
  type PaidCall,
  type ProviderStats,
  type RequestRecord,
} from './ledger';
import { LruMap } from './lru';

export const DEFAULT_MEMORY_LEDGER_LIMITS = {
  replies: 100_000,
  keys: STATS_KEYS_LIMIT,
  records: 10_000,
} as const;

interface StoredCall {
  readonly operation: Operation;
  readonly requestDigest: string;
  /** Pending while the first request computes; concurrent repeats wait for it. */
  readonly reply: Promise<unknown>;
}

export class MemoryLedger implements Ledger {
  private readonly calls: LruMap<string, StoredCall>;
  private readonly keys: LruMap<string, KeyStats>;
  private readonly log: RequestRecord[] = [];
  private requests = 0;
  private billable = { enrich: 0, research: 0 };

  constructor(
    private readonly limits: {
      readonly replies: number;
      readonly keys: number;
      readonly records: number;
    } = DEFAULT_MEMORY_LEDGER_LIMITS,
  ) {
    this.calls = new LruMap(limits.replies);
    this.keys = new LruMap(limits.keys);
  }

  countRequest(): void {
    this.requests += 1;
  }

  async once(call: PaidCall, produce: () => Promise<unknown>): Promise<LedgerOutcome> {
    const stored = this.calls.get(call.idempotencyKey);
    if (stored) {
      if (stored.operation !== call.operation || stored.requestDigest !== call.requestDigest) {
        this.write(paidCallRecord(call, 'conflict'));
        return { kind: 'conflict', operation: stored.operation };
      }
      const reply = await stored.reply;
      this.write(paidCallRecord(call, 'replayed'));
      return { kind: 'replayed', reply };
    }
    const reply = produce();
    const entry: StoredCall = {
      operation: call.operation,
      requestDigest: call.requestDigest,
      reply,
    };
    this.calls.set(call.idempotencyKey, entry);
    try {
      const value = await reply;
      this.write(paidCallRecord(call, 'fresh'));
      return { kind: 'fresh', reply: value };
    } catch (error) {
      if (this.calls.get(call.idempotencyKey) === entry) this.calls.delete(call.idempotencyKey);
      throw error;
    }
  }

  async record(entry: RequestRecord): Promise<void> {
    this.write(entry);
  }

  async stats(): Promise<ProviderStats> {
    return {
      requests: this.requests,
      billableCalls: this.billable.enrich + this.billable.research,
      billableByOperation: { ...this.billable },
      byKey: Object.fromEntries(this.keys.toEntries().map(([key, stats]) => [key, { ...stats }])),
    };
  }

  async reset(): Promise<void> {
    this.keys.clear();
    this.requests = 0;
    this.billable = { enrich: 0, research: 0 };
  }

  /** The newest request log rows, oldest first (what pg-ledger.ts writes to its table). */
  records(): readonly RequestRecord[] {
    return [...this.log];
  }

  private write(entry: RequestRecord): void {
    this.log.push(entry);
    if (this.log.length > this.limits.records) this.log.shift();
    if (entry.outcome === 'billed') this.billable[entry.operation] += 1;
    if (!isWellFormed(entry)) return;
    const stats = this.keys.get(entry.idempotencyKey) ?? {
      operation: entry.operation,
      billed: 0,
      requests: 0,
    };
    this.keys.set(entry.idempotencyKey, {
      ...stats,
      billed: stats.billed + (entry.outcome === 'billed' ? 1 : 0),
      requests: stats.requests + 1,
    });
  }
}
