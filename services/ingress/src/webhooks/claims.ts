/**
 * Exactly one Kafka record per (source, event id), without ever answering 2xx for an event
 * Kafka does not hold. A request first *claims* the id (the unique constraint settles races),
 * publishes, then marks the row `enqueued`. A claim left behind by a crash expires after
 * CLAIM_TIMEOUT_MS and the provider's retry takes it over: at worst a duplicate downstream,
 * which the stages absorb, and never a loss.
 */
import type { Pool } from 'pg';

export interface ClaimInput {
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly companyId: string;
  readonly payload: unknown;
  readonly signatureScheme: string;
}

export type ClaimOutcome =
  /** This request owns the event id and must publish it. */
  | { readonly kind: 'claimed'; readonly id: string }
  /** Kafka already holds it. */
  | { readonly kind: 'enqueued' }
  /** Another request owns it right now. */
  | { readonly kind: 'in_flight' };

export interface ClaimStore {
  claim(input: ClaimInput, claimTimeoutMs: number): Promise<ClaimOutcome>;
  markEnqueued(id: string): Promise<void>;
  /** Gives the id up after a failed publish, so the provider's retry can claim it. */
  release(id: string): Promise<void>;
  status(source: string, eventId: string): Promise<'claimed' | 'enqueued' | undefined>;
}

export function createPgClaimStore(pool: Pick<Pool, 'query'>): ClaimStore {
  return {
    async claim(input, claimTimeoutMs) {
      const inserted = await pool.query<{ id: string }>(
        `INSERT INTO webhook_events
           (source, event_id, event_type, company_id, payload, signature_scheme, status, claimed_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'claimed', now())
         ON CONFLICT (source, event_id) DO NOTHING
         RETURNING id`,
        [
          input.source,
          input.eventId,
          input.eventType,
          input.companyId,
          JSON.stringify(input.payload),
          input.signatureScheme,
        ],
      );
      if (inserted.rows[0]) return { kind: 'claimed', id: inserted.rows[0].id };
      // Take over a claim whose owner has not finished within the timeout (it crashed).
      const takenOver = await pool.query<{ id: string }>(
        `UPDATE webhook_events SET claimed_at = now()
         WHERE source = $1 AND event_id = $2 AND status = 'claimed'
           AND claimed_at < now() - make_interval(secs => $3::double precision / 1000)
         RETURNING id`,
        [input.source, input.eventId, claimTimeoutMs],
      );
      if (takenOver.rows[0]) return { kind: 'claimed', id: takenOver.rows[0].id };
      const state = await this.status(input.source, input.eventId);
      // Released between our insert and now: the caller answers 503 and the provider retries.
      return state === 'enqueued' ? { kind: 'enqueued' } : { kind: 'in_flight' };
    },

    async markEnqueued(id) {
      await pool.query(
        `UPDATE webhook_events SET status = 'enqueued', processed_at = now() WHERE id = $1`,
        [id],
      );
    },

    async release(id) {
      await pool.query(`DELETE FROM webhook_events WHERE id = $1 AND status = 'claimed'`, [id]);
    },

    async status(source, eventId) {
      const found = await pool.query<{ status: 'claimed' | 'enqueued' }>(
        `SELECT status FROM webhook_events WHERE source = $1 AND event_id = $2`,
        [source, eventId],
      );
      return found.rows[0]?.status;
    },
  };
}
