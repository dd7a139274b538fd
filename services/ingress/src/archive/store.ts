/**
 * The operator's read side of the archive: deliveries as `webhook_events` knows them (source,
 * event id, type, status, times), with what the archive still holds of each (the body and the
 * allowed headers, until the retention removes them). Parameterised statements only.
 */
import type { Pool } from 'pg';
import type { ClaimStatus, LeftJoined, PgRow, WebhookDelivery, WebhookEvent } from '@bgs/db';

export type Queryable = Pick<Pool, 'query'>;

export interface DeliverySummary {
  /** The `webhook_events` row id, which the archive row shares. */
  readonly id: string;
  readonly source: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly status: ClaimStatus;
  readonly companyId: string | null;
  readonly receivedAt: Date;
  readonly processedAt: Date | null;
  /** Null once the retention removed the archive (or for a delivery from before it existed). */
  readonly archive: { readonly bodyBytes: number; readonly storedBytes: number } | null;
  /** The delivery this one replayed under a new event id. */
  readonly replayOf: string | null;
}

export interface ArchivedDelivery extends DeliverySummary {
  readonly signatureScheme: string;
  readonly headers: Readonly<Record<string, string>> | null;
  /** The raw body, gzip; null when the archive is gone. */
  readonly body: Buffer | null;
}

export interface DeliveryFilter {
  readonly source?: string;
  readonly eventType?: string;
  readonly status?: ClaimStatus;
  /** Received at or after. */
  readonly since?: Date;
  /** Received before. */
  readonly until?: Date;
}

const SUMMARY_COLUMNS = `w.id, w.source, w.event_id, w.event_type, w.status, w.company_id,
  w.received_at, w.processed_at, d.body_bytes, octet_length(d.body) AS stored_bytes, d.replay_of`;

const FILTER = `($1::text IS NULL OR w.source = $1)
  AND ($2::text IS NULL OR w.event_type = $2)
  AND ($3::text IS NULL OR w.status = $3)
  AND ($4::timestamptz IS NULL OR w.received_at >= $4)
  AND ($5::timestamptz IS NULL OR w.received_at < $5)`;

const filterValues = (filter: DeliveryFilter): unknown[] => [
  filter.source ?? null,
  filter.eventType ?? null,
  filter.status ?? null,
  filter.since ?? null,
  filter.until ?? null,
];

/** The `webhook_events` row and, LEFT JOINed, what the archive still holds of it. */
type SummaryRow = PgRow<
  WebhookEvent,
  'id' | 'source' | 'eventId' | 'eventType' | 'status' | 'companyId' | 'receivedAt' | 'processedAt'
> &
  LeftJoined<PgRow<WebhookDelivery, 'bodyBytes' | 'replayOf'> & { readonly stored_bytes: number }>;

type DeliveryRow = SummaryRow &
  PgRow<WebhookEvent, 'signatureScheme'> &
  LeftJoined<PgRow<WebhookDelivery, 'headers' | 'body'>>;

const toSummary = (row: SummaryRow): DeliverySummary => ({
  id: row.id,
  source: row.source,
  eventId: row.event_id,
  eventType: row.event_type,
  status: row.status,
  companyId: row.company_id,
  receivedAt: row.received_at,
  processedAt: row.processed_at,
  archive:
    row.body_bytes === null
      ? null
      : { bodyBytes: row.body_bytes, storedBytes: Number(row.stored_bytes) },
  replayOf: row.replay_of,
});

const toDelivery = (row: DeliveryRow): ArchivedDelivery => ({
  ...toSummary(row),
  signatureScheme: row.signature_scheme,
  headers: row.headers,
  body: row.body,
});

/** Newest first. */
export async function listDeliveries(
  db: Queryable,
  filter: DeliveryFilter,
  limit: number,
): Promise<DeliverySummary[]> {
  const { rows } = await db.query<SummaryRow>(
    `SELECT ${SUMMARY_COLUMNS}
       FROM webhook_events w LEFT JOIN webhook_deliveries d ON d.id = w.id
      WHERE ${FILTER}
      ORDER BY w.received_at DESC, w.id DESC
      LIMIT $6`,
    [...filterValues(filter), limit],
  );
  return rows.map(toSummary);
}

/** The deliveries with these ids, in the order asked; unknown ids are left out. */
export async function findDeliveries(
  db: Queryable,
  ids: readonly string[],
): Promise<ArchivedDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${SUMMARY_COLUMNS}, w.signature_scheme, d.headers, d.body
       FROM webhook_events w LEFT JOIN webhook_deliveries d ON d.id = w.id
      WHERE w.id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.id, toDelivery(row)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** The deliveries a range replay covers: where it starts and how much of it to take. */
export interface RangeSelection {
  readonly filter: DeliveryFilter & { readonly since: Date; readonly until: Date };
  /** Only the deliveries after this one in the range's order (a previous call's last). */
  readonly after?: string;
  /** At most this many ids; without it, all of them. */
  readonly limit?: number;
}

/**
 * The ids of the deliveries a range replay covers, oldest first (ties in `received_at`, which
 * one claim statement gives all its deliveries, broken by id), fixed when the replay starts,
 * and how many the range holds after `after` in all. Deliveries that are themselves replays
 * are left out: replaying a range twice under two prefixes must not replay the first replay's
 * copies.
 */
export async function deliveryIdsInRange(
  db: Queryable,
  selection: RangeSelection,
): Promise<{ readonly ids: string[]; readonly matched: number }> {
  // The window count is taken before LIMIT: the whole range's size, in the same statement.
  const { rows } = await db.query<{ id: string; matched: string }>(
    `SELECT w.id, count(*) OVER () AS matched
       FROM webhook_events w LEFT JOIN webhook_deliveries d ON d.id = w.id
      WHERE ${FILTER} AND d.replay_of IS NULL
        AND ($6::uuid IS NULL OR (w.received_at, w.id) >
             (SELECT a.received_at, a.id FROM webhook_events a WHERE a.id = $6::uuid))
      ORDER BY w.received_at, w.id
      LIMIT $7`,
    [...filterValues(selection.filter), selection.after ?? null, selection.limit ?? null],
  );
  return { ids: rows.map((row) => row.id), matched: Number(rows[0]?.matched ?? 0) };
}
