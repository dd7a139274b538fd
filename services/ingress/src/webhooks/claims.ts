/**
 * Exactly one Kafka record per (source, event id), without ever answering 2xx for an event
 * Kafka does not hold. A request first *claims* the id (the unique constraint settles races),
 * publishes, then marks the row `enqueued`. A claim left behind by a crash expires after
 * CLAIM_TIMEOUT_MS and the provider's retry takes it over: at worst a duplicate downstream,
 * which the stages absorb, and never a loss.
 *
 * The protocol, its clock (the database's) and its shared statements are ../claims/; here is
 * the webhooks' own take, which also archives.
 *
 * Claims and marks are batched across concurrent requests: one statement claims for every
 * request waiting at that moment (and archives what it inserts), one marks every published row. Each statement is its own
 * autocommit transaction, as the single-row ones were, so the guarantees above are unchanged;
 * a failed statement fails every request in it, each answering 503 as before.
 */
import type { Pool } from 'pg';
import type { ClaimStatus, PgRow, WebhookEvent } from '@bgs/db';
import { createCoalescingBatcher } from '@bgs/platform';
import { expiredClaimSql, WEBHOOK_CLAIMS, type ClaimRowResult } from '../claims/protocol';
import { createClaimRows } from '../claims/store';
import { planClaimBatch, requestOutcomes, type ClaimInput, type ClaimOutcome } from './claim-batch';

export type { ClaimInput, ClaimOutcome } from './claim-batch';

export interface ClaimStore {
  claim(input: ClaimInput): Promise<ClaimOutcome>;
  markEnqueued(id: string): Promise<void>;
  /** Gives the id up after a failed publish, so the provider's retry can claim it. */
  release(id: string): Promise<void>;
  status(source: string, eventId: string): Promise<ClaimStatus | undefined>;
}

export interface PgClaimStoreOptions {
  /** A claim older than this is taken as abandoned by a crash and may be taken over. */
  readonly claimTimeoutMs: number;
  /** The most requests in one statement (default 500). */
  readonly maxBatch?: number;
}

/**
 * Insert what is new, with its archive row; take over what is `claimed` and expired; report the
 * rest's status. The take-over is a sibling UPDATE rather than ON CONFLICT DO UPDATE, so a live
 * claim's row is never locked by a duplicate (that lock could deadlock with a batch of marks).
 * Both see the statement's snapshot, so the UPDATE never touches a row the INSERT just made. The
 * archive is written only for rows this statement inserted: a duplicate or a take-over keeps the
 * first delivery's, and a released claim takes its archive row with it (ON DELETE CASCADE).
 */
const CLAIM_ROWS = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::bytea[], $9::int[], $10::uuid[])
    WITH ORDINALITY AS t(source, event_id, event_type, company_id, payload, signature_scheme,
                         headers, body, body_bytes, replay_of, ord)
), inserted AS (
  INSERT INTO webhook_events
    (source, event_id, event_type, company_id, payload, signature_scheme, status, claimed_at)
  SELECT source, event_id, event_type, company_id, payload::jsonb, signature_scheme, 'claimed', now()
  FROM input ORDER BY ord
  ON CONFLICT (source, event_id) DO NOTHING
  RETURNING id, source, event_id
), archived AS (
  INSERT INTO webhook_deliveries (id, received_at, headers, body, body_bytes, replay_of)
  SELECT ins.id, now(), i.headers::jsonb, i.body, i.body_bytes, i.replay_of
  FROM inserted ins JOIN input i ON i.source = ins.source AND i.event_id = ins.event_id
), taken_over AS (
  UPDATE webhook_events w SET claimed_at = now()
  FROM input i
  WHERE w.source = i.source AND w.event_id = i.event_id
    AND ${expiredClaimSql(WEBHOOK_CLAIMS, 'w', '$11')}
  RETURNING w.id, w.source, w.event_id
)
SELECT coalesce(ins.id, took.id) AS id,
       ins.id IS NOT NULL AS inserted,
       took.id IS NOT NULL AS taken_over,
       previous.status AS previous_status
FROM input i
LEFT JOIN inserted ins ON ins.source = i.source AND ins.event_id = i.event_id
LEFT JOIN taken_over took ON took.source = i.source AND took.event_id = i.event_id
LEFT JOIN webhook_events previous ON previous.source = i.source AND previous.event_id = i.event_id
ORDER BY i.ord`;

/** What the claim statement answers per input row: computed columns, not a table's row. */
interface ClaimRow {
  id: string | null;
  inserted: boolean;
  taken_over: boolean;
  previous_status: ClaimStatus | null;
}

export function createPgClaimStore(
  pool: Pick<Pool, 'query'>,
  options: PgClaimStoreOptions,
): ClaimStore {
  const maxBatch = options.maxBatch ?? 500;
  const claimRows = createClaimRows(pool, WEBHOOK_CLAIMS);
  const claimBatch = async (inputs: readonly ClaimInput[]): Promise<ClaimOutcome[]> => {
    const plan = planClaimBatch(inputs);
    const column = <T>(pick: (row: ClaimInput) => T): T[] => plan.rows.map(pick);
    const answer = await pool.query<ClaimRow>({
      name: 'webhook-claim-batch',
      text: CLAIM_ROWS,
      values: [
        column((row) => row.source),
        column((row) => row.eventId),
        column((row) => row.eventType),
        column((row) => row.companyId),
        column((row) => JSON.stringify(row.payload)),
        column((row) => row.signatureScheme),
        column((row) => JSON.stringify(row.archive.headers)),
        column((row) => row.archive.body),
        column((row) => row.archive.bodyBytes),
        column((row) => row.archive.replayOf),
        options.claimTimeoutMs,
      ],
    });
    return requestOutcomes(plan, answer.rows.map(toRowResult));
  };
  // Requests arriving in the same event-loop turn share the first statement; later ones the
  // statement after the one in flight.
  const claim = createCoalescingBatcher({ run: claimBatch, maxBatch, startOnNextTurn: true });
  const markEnqueued = createCoalescingBatcher<string, void>({
    maxBatch,
    startOnNextTurn: true,
    run: async (ids) => {
      await claimRows.markDone(ids);
      return ids.map(() => undefined);
    },
  });

  return {
    claim,
    markEnqueued,

    release: claimRows.release,

    async status(source, eventId) {
      const found = await pool.query<PgRow<WebhookEvent, 'status'>>(
        `SELECT status FROM webhook_events WHERE source = $1 AND event_id = $2`,
        [source, eventId],
      );
      return found.rows[0]?.status;
    },
  };
}

const toRowResult = (row: ClaimRow): ClaimRowResult => ({
  id: row.id,
  inserted: row.inserted,
  takenOver: row.taken_over,
  previousStatus: row.previous_status,
});
