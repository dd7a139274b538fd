/**
 * Billing and idempotency, in memory (this provider is for the local stack; a restart forgets).
 * A key's first successful reply is kept and returned to every repeat of that key, and only
 * that first reply is billed, which is what a paid provider's idempotency key promises.
 */
import type { Operation } from './contract';
import { LruMap } from './lru';

export const DEFAULT_LEDGER_LIMITS = { replies: 100_000, keys: 10_000 } as const;

export interface KeyStats {
  readonly operation: Operation;
  readonly billed: number;
  readonly requests: number;
}

export interface ProviderStats {
  readonly requests: number;
  readonly billableCalls: number;
  readonly billableByOperation: Readonly<Record<Operation, number>>;
  readonly byKey: Readonly<Record<string, KeyStats>>;
}

interface StoredCall {
  readonly operation: Operation;
  /** What was asked; a repeat of the key asking something else is refused. */
  readonly fingerprint: string;
  /** Pending while the first request computes; concurrent repeats wait for it. */
  readonly reply: Promise<unknown>;
}

export type LedgerOutcome =
  | { readonly kind: 'fresh'; readonly reply: unknown }
  | { readonly kind: 'replayed'; readonly reply: unknown }
  | { readonly kind: 'conflict'; readonly operation: Operation };

export class Ledger {
  private readonly calls: LruMap<string, StoredCall>;
  private readonly keys: LruMap<string, { operation: Operation; billed: number; requests: number }>;
  private requests = 0;
  private billable = { enrich: 0, research: 0 };

  constructor(limits: { readonly replies: number; readonly keys: number } = DEFAULT_LEDGER_LIMITS) {
    this.calls = new LruMap(limits.replies);
    this.keys = new LruMap(limits.keys);
  }

  /** Every request to the API, answered or not. */
  countRequest(): void {
    this.requests += 1;
  }

  /** A well-formed request carrying `key` (it may still fail by an injected fault). */
  countKeyRequest(key: string, operation: Operation): void {
    const entry = this.keys.get(key) ?? { operation, billed: 0, requests: 0 };
    this.keys.set(key, { ...entry, requests: entry.requests + 1 });
  }

  /**
   * Runs `produce` for the first request with `key` and bills it once it succeeds; repeats get
   * the same reply, unbilled. A failed `produce` is neither kept nor billed, so a retry with
   * the key tries again.
   */
  async once(
    key: string,
    operation: Operation,
    fingerprint: string,
    produce: () => Promise<unknown>,
  ): Promise<LedgerOutcome> {
    const stored = this.calls.get(key);
    if (stored) {
      if (stored.operation !== operation || stored.fingerprint !== fingerprint) {
        return { kind: 'conflict', operation: stored.operation };
      }
      return { kind: 'replayed', reply: await stored.reply };
    }
    const reply = produce();
    const call: StoredCall = { operation, fingerprint, reply };
    this.calls.set(key, call);
    try {
      const value = await reply;
      this.bill(key, operation);
      return { kind: 'fresh', reply: value };
    } catch (error) {
      if (this.calls.get(key) === call) this.calls.delete(key);
      throw error;
    }
  }

  stats(): ProviderStats {
    return {
      requests: this.requests,
      billableCalls: this.billable.enrich + this.billable.research,
      billableByOperation: { ...this.billable },
      byKey: Object.fromEntries(this.keys.toEntries().map(([key, entry]) => [key, { ...entry }])),
    };
  }

  reset(): void {
    this.calls.clear();
    this.keys.clear();
    this.requests = 0;
    this.billable = { enrich: 0, research: 0 };
  }

  private bill(key: string, operation: Operation): void {
    this.billable[operation] += 1;
    const entry = this.keys.get(key) ?? { operation, billed: 0, requests: 1 };
    this.keys.set(key, { ...entry, billed: entry.billed + 1 });
  }
}
