/**
 * The claim protocol of ingress, once, for webhooks (webhook_events, per source and event id)
 * and for refresh requests (refresh_requests, per workspace and Idempotency-Key):
 *
 *   take       insert the row as `claimed`; the table's unique key settles concurrent takers,
 *              exactly one insert wins and the others find the winner's row;
 *   mark done  once Kafka holds the record, `enqueued` with the time it was;
 *   release    after a failed publish, delete the row while still `claimed`, so a retry can
 *              take it again (an `enqueued` row is never deleted);
 *   take over  a `claimed` row older than the claim timeout was left by a crashed owner: one
 *              UPDATE that re-stamps it lets exactly one taker own it again.
 *
 * **One clock: the database's.** Several ingress instances (and workers) race on the same rows,
 * each on its own host clock. Whether a claim has expired must be judged by one clock that all
 * of them share, the clock that stamped it: Postgres's now(), in the statement that decides.
 * A process clock running ahead would take over a live claim (a second publish of the same
 * event); one running behind would leave an abandoned claim waiting past its timeout. So every
 * claim time is written by now() and every expiry is compared with now(), never with a time a
 * process sends.
 *
 * This file is pure: the SQL of each step, built from the table's names, and the decisions
 * made on what a statement answers. The I/O is in store.ts.
 */
import type { ClaimStatus } from '@bgs/db';

export type { ClaimStatus } from '@bgs/db';

/** Where a kind of claim lives. Names are code constants, never input. */
export interface ClaimTable {
  readonly table: string;
  /** When the row was claimed (or taken over): the column expiry is measured from. */
  readonly claimedAt: string;
  /** When Kafka held its record. */
  readonly doneAt: string;
  /** Prefix of the prepared statements' names. */
  readonly statement: string;
}

export const WEBHOOK_CLAIMS: ClaimTable = {
  table: 'webhook_events',
  claimedAt: 'claimed_at',
  doneAt: 'processed_at',
  statement: 'webhook',
};

/** A refresh request's claim time is its requested_at: re-stamped by a take-over. */
export const REFRESH_CLAIMS: ClaimTable = {
  table: 'refresh_requests',
  claimedAt: 'requested_at',
  doneAt: 'enqueued_at',
  statement: 'refresh',
};

/**
 * The condition that `alias`'s row is an expired claim, `timeoutMs` being the SQL of the claim
 * timeout in milliseconds (a bind parameter). Measured on the database clock (above).
 */
export function expiredClaimSql(claims: ClaimTable, alias: string, timeoutMs: string): string {
  return `${alias}.status = 'claimed'
    AND ${alias}.${claims.claimedAt} < now() - make_interval(secs => ${timeoutMs}::double precision / 1000)`;
}

/** Marks the rows with the ids of $1 (a uuid[]) enqueued. */
export const markDoneSql = (claims: ClaimTable): string =>
  `UPDATE ${claims.table} SET status = 'enqueued', ${claims.doneAt} = now()
WHERE id = ANY($1::uuid[])`;

/** Deletes the claim $1 while it is still a claim. */
export const releaseSql = (claims: ClaimTable): string =>
  `DELETE FROM ${claims.table} WHERE id = $1 AND status = 'claimed'`;

/** Takes the row $1 over if its claim is older than $2 ms, answering `returning` of it. */
export const takeOverSql = (claims: ClaimTable, returning: string): string =>
  `UPDATE ${claims.table} t SET ${claims.claimedAt} = now()
WHERE t.id = $1 AND ${expiredClaimSql(claims, 't', '$2')}
RETURNING ${returning}`;

export type ClaimOutcome =
  /** This request owns the row and must publish it; `takenOver` if a crashed owner's expired claim was taken. */
  | { readonly kind: 'claimed'; readonly id: string; readonly takenOver: boolean }
  /** Kafka already holds it. */
  | { readonly kind: 'enqueued' }
  /** Another request owns it right now (or released it a moment ago). */
  | { readonly kind: 'in_flight' };

/** What a take statement says about one row. */
export interface ClaimRowResult {
  /** The row's id when this statement inserted it or took it over, else null. */
  readonly id: string | null;
  readonly inserted: boolean;
  readonly takenOver: boolean;
  /** The row's status before this statement (null: no row, or one not yet visible to it). */
  readonly previousStatus: ClaimStatus | null;
}

/** The outcome of the request that took (or tried to take) a row. */
export function rowOutcome(result: ClaimRowResult): ClaimOutcome {
  if (result.id !== null && (result.inserted || result.takenOver)) {
    return { kind: 'claimed', id: result.id, takenOver: !result.inserted };
  }
  // Neither inserted nor taken over: someone else's row. Unseen (released, or committed after
  // the statement's snapshot) counts as in flight: the request waits and looks again.
  return result.previousStatus === 'enqueued' ? { kind: 'enqueued' } : { kind: 'in_flight' };
}

/**
 * After a take lost the insert (the key is someone else's): the winner's row when it can be
 * read; when it cannot (the winner released it between the insert and the read), take again,
 * up to `attempts` times in all.
 */
export function afterLostInsert<Row>(
  winner: Row | undefined,
  attempt: number,
  attempts: number,
): { readonly kind: 'duplicate'; readonly row: Row } | { readonly kind: 'retry' } {
  if (winner !== undefined) return { kind: 'duplicate', row: winner };
  if (attempt + 1 < attempts) return { kind: 'retry' };
  throw new Error(`the claim kept conflicting with a released claim (${attempts} attempts)`);
}
