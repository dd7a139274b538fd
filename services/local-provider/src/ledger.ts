/**
 * Billing, idempotency and the request log: the port, and the pure rules both adapters follow.
 * A key's first successful reply is kept and returned to every repeat of that key, and only
 * that first reply is billed, which is what a paid provider's idempotency key promises. Every
 * answered request that carries a key is one row of the request log, so an outside checker can
 * count attempts, bills and replays without trusting this process's memory.
 *
 * The running service uses the Postgres adapter (pg-ledger.ts: it survives a restart); unit
 * tests use the in-memory one (memory-ledger.ts).
 */
import { createHash } from 'node:crypto';
import type { Operation, ProviderRequest } from './contract';

/** How many keys /control/stats lists (the newest), so its answer stays bounded. */
export const STATS_KEYS_LIMIT = 10_000;

/** The status of a reply (first or replayed) and of a key reused for another request. */
export const REPLY_STATUS = 200;
export const KEY_REUSED_STATUS = 409;

/**
 * What one billed call costs: the default level prices' paid steps (packages/domain
 * DEFAULT_LEVEL_COSTS_USD: enrich 2.50 − identify 0.10, deep_research 6.00 − enrich 2.50), so
 * for a workspace on default prices the log's costs match `pipeline_operations.cost_usd`.
 */
export const PRICE_USD: Readonly<Record<Operation, number>> = { enrich: 2.4, research: 3.5 };

/**
 * billed: the first 2xx for a key, billed; replayed: the same key again, answered from the
 * stored reply and not billed; fault: an injected fault answered (whatever its status);
 * rejected: a 4xx; error: a 5xx that was not injected.
 */
export type RequestOutcome = 'billed' | 'replayed' | 'fault' | 'rejected' | 'error';

/** One row of the request log (`local_provider.requests`). */
export interface RequestRecord {
  /** When the request arrived (the row is written when it is answered). */
  readonly receivedAt: Date;
  readonly operation: Operation;
  readonly idempotencyKey: string;
  /** Null when the body was not read (401) or not valid (400). */
  readonly companyId: string | null;
  /** peopleDigest() of the people sent; null when the body was not read or not valid. */
  readonly peopleDigest: string | null;
  readonly status: number;
  readonly outcome: RequestOutcome;
  readonly costUsd: number;
}

/** Who asked what: a request log row without its answer. */
export type AskedRequest = Pick<
  RequestRecord,
  'receivedAt' | 'operation' | 'idempotencyKey' | 'companyId' | 'peopleDigest'
>;

/** A valid request the ledger bills once per key. */
export interface PaidCall extends AskedRequest {
  readonly companyId: string;
  readonly peopleDigest: string;
  /** requestDigest(): a repeat of the key asking something else is refused. */
  readonly requestDigest: string;
  /** Billed on the first reply only. */
  readonly costUsd: number;
}

export type LedgerOutcome =
  | { readonly kind: 'fresh'; readonly reply: unknown }
  | { readonly kind: 'replayed'; readonly reply: unknown }
  | { readonly kind: 'conflict'; readonly operation: Operation };

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

/** The store cannot be read or written (Postgres down): nothing was billed or logged. */
export class LedgerUnavailableError extends Error {
  override readonly name = 'LedgerUnavailableError';
}

export interface Ledger {
  /** Every request to the API, answered or not: a counter of this process, not billing. */
  countRequest(): void;

  /**
   * Runs `produce` for the first request with the key and bills it once it succeeds; repeats
   * get the same reply, unbilled; a repeat asking something else is a conflict. Writes the
   * request log row of what it answers. A failed `produce` is neither kept, billed nor logged
   * (its error is rethrown as is), so a retry with the key tries again. Throws
   * LedgerUnavailableError when the store fails.
   */
  once(call: PaidCall, produce: () => Promise<unknown>): Promise<LedgerOutcome>;

  /** Writes one request log row for an answer once() did not give. */
  record(entry: RequestRecord): Promise<void>;

  /**
   * Counts since this process started or was last reset: `requests` every API request;
   * billing and `byKey` (the newest STATS_KEYS_LIMIT keys) from the request log's rows.
   */
  stats(): Promise<ProviderStats>;

  /**
   * Starts the counts of stats() again. Stored replies and the request log are kept: a key
   * answered before a reset is replayed, not billed again, and no evidence is lost.
   */
  reset(): Promise<void>;
}

/**
 * sha256 (hex) of the JSON array of the person ids sent, sorted by UTF-16 code unit (as the
 * enricher sorts them), e.g. of `["p-1","p-2"]`: the same people in any order, the same digest.
 */
export function peopleDigest(personIds: readonly string[]): string {
  const sorted = [...personIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

/** What a key was first used for: the operation and the whole validated body. */
export function requestDigest(operation: Operation, request: ProviderRequest): string {
  return createHash('sha256')
    .update(`${operation}\n${JSON.stringify(request)}`)
    .digest('hex');
}

/**
 * The request log's outcome of an answer. `ledger` says where a success came from: a 2xx is
 * only ever the ledger's first reply (billed) or a stored one (replayed), or an injected fault.
 */
export function classifyOutcome(answer: {
  readonly status: number;
  readonly injected: boolean;
  readonly ledger?: 'fresh' | 'replayed';
}): RequestOutcome {
  if (answer.injected) return 'fault';
  if (answer.status >= 500) return 'error';
  if (answer.status >= 400) return 'rejected';
  if (answer.ledger === 'fresh') return 'billed';
  if (answer.ledger === 'replayed') return 'replayed';
  // A success the ledger did not give would be an unlogged bill: a bug, never a row.
  throw new Error(`a ${answer.status} answer that is neither a ledger reply nor a fault`);
}

/** The row of an answer the handler gives (not the ledger's): never billed. */
export function answeredRecord(
  asked: AskedRequest,
  answer: { readonly status: number; readonly injected: boolean },
): RequestRecord {
  return {
    receivedAt: asked.receivedAt,
    operation: asked.operation,
    idempotencyKey: asked.idempotencyKey,
    companyId: asked.companyId,
    peopleDigest: asked.peopleDigest,
    status: answer.status,
    outcome: classifyOutcome(answer),
    costUsd: 0,
  };
}

/** The row of what once() answered: the first reply costs the call's price, nothing else. */
export function paidCallRecord(call: PaidCall, kind: LedgerOutcome['kind']): RequestRecord {
  const status = kind === 'conflict' ? KEY_REUSED_STATUS : REPLY_STATUS;
  const outcome = classifyOutcome({
    status,
    injected: false,
    ...(kind === 'conflict' ? {} : { ledger: kind }),
  });
  return {
    receivedAt: call.receivedAt,
    operation: call.operation,
    idempotencyKey: call.idempotencyKey,
    companyId: call.companyId,
    peopleDigest: call.peopleDigest,
    status,
    outcome,
    costUsd: outcome === 'billed' ? call.costUsd : 0,
  };
}

/** byKey counts well-formed requests only (failed ones included); refusals have no people. */
export const isWellFormed = (entry: RequestRecord): boolean => entry.peopleDigest !== null;
