/**
 * The pure half of batched claims: which rows one statement claims for the requests waiting
 * together, and how the statement's answer for each row maps back to each request's outcome.
 * The I/O is in claims.ts; the decision for one row is the protocol's (../claims/protocol.ts).
 */

import type { DeliveryArchive } from '../archive/archive';
import { rowOutcome, type ClaimOutcome, type ClaimRowResult } from '../claims/protocol';

export { rowOutcome, type ClaimOutcome, type ClaimRowResult } from '../claims/protocol';

export interface ClaimInput {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly companyId: string;
  readonly payload: unknown;
  readonly signatureScheme: string;
  /** Archived with the row when this claim inserts it (never on a take-over). */
  readonly archive: DeliveryArchive;
}

export interface ClaimBatchPlan {
  /**
   * One row per distinct (source, event id): a statement may not insert one key twice. In key
   * order, so that concurrent batches (several processes) take their locks in one order.
   */
  readonly rows: readonly ClaimInput[];
  /** Per request, in request order: the index of its row, and whether it is the row's owner. */
  readonly requests: readonly { readonly row: number; readonly owner: boolean }[];
}

const keyOf = (input: ClaimInput): string => JSON.stringify([input.source, input.eventId]);

export function planClaimBatch(inputs: readonly ClaimInput[]): ClaimBatchPlan {
  const firstOf = new Map<string, ClaimInput>();
  for (const input of inputs) if (!firstOf.has(keyOf(input))) firstOf.set(keyOf(input), input);
  const rows = [...firstOf.values()].sort(compareKeys);
  const rowOf = new Map(rows.map((row, index) => [keyOf(row), index]));
  const owned = new Set<number>();
  const requests = inputs.map((input) => {
    const row = rowOf.get(keyOf(input)) as number;
    const owner = !owned.has(row);
    owned.add(row);
    return { row, owner };
  });
  return { rows, requests };
}

function compareKeys(a: ClaimInput, b: ClaimInput): number {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  if (a.eventId === b.eventId) return 0;
  return a.eventId < b.eventId ? -1 : 1;
}

/**
 * Each request's outcome, in request order. A request that shares its row with an earlier one
 * in the batch is a concurrent duplicate: if the owner claimed, it waits for the owner.
 */
export function requestOutcomes(
  plan: ClaimBatchPlan,
  results: readonly ClaimRowResult[],
): ClaimOutcome[] {
  if (results.length !== plan.rows.length) {
    throw new Error(`the claim statement answered ${results.length} of ${plan.rows.length} rows`);
  }
  const outcomes = results.map(rowOutcome);
  return plan.requests.map(({ row, owner }) => {
    const outcome = outcomes[row] as ClaimOutcome;
    return !owner && outcome.kind === 'claimed' ? { kind: 'in_flight' } : outcome;
  });
}
