/**
 * The I/O of the claim protocol (protocol.ts) that is the same for every kind of claim: marking
 * done, releasing and taking over, each one autocommit statement on the database clock. Taking
 * (the insert) stays with each kind, as its columns differ: the webhooks' batched statement
 * (webhooks/claims.ts) and the refresh requests' (api/refresh-claims.ts).
 */
import type { Pool, QueryResultRow } from 'pg';
import { markDoneSql, releaseSql, takeOverSql, type ClaimTable } from './protocol';

export interface ClaimRows {
  /** Marks the rows enqueued, in one statement. */
  markDone(ids: readonly string[]): Promise<void>;
  /** Gives the claim up after a failed publish; an enqueued row stays. */
  release(id: string): Promise<void>;
  /**
   * Takes the row over if it is a claim older than `timeoutMs` by the database clock, and
   * re-stamps it; `returning` of the row, or undefined when it is not such a claim (not
   * expired, settled, or taken over by someone else first).
   */
  takeOver<Row extends QueryResultRow>(
    id: string,
    timeoutMs: number,
    returning: string,
  ): Promise<Row | undefined>;
}

export function createClaimRows(pool: Pick<Pool, 'query'>, claims: ClaimTable): ClaimRows {
  const markDone = markDoneSql(claims);
  const release = releaseSql(claims);
  return {
    async markDone(ids) {
      await pool.query({
        name: `${claims.statement}-mark-batch`,
        text: markDone,
        values: [[...ids]],
      });
    },

    async release(id) {
      await pool.query({ name: `${claims.statement}-release`, text: release, values: [id] });
    },

    async takeOver<Row extends QueryResultRow>(
      id: string,
      timeoutMs: number,
      returning: string,
    ): Promise<Row | undefined> {
      const taken = await pool.query<Row>(takeOverSql(claims, returning), [id, timeoutMs]);
      return taken.rows[0];
    },
  };
}
