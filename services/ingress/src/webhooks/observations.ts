/**
 * Records what providers report about people (`person_observations`) before the delivery's
 * touches are published: the discovery a touch causes must see what caused it. Discovery merges
 * these with the upstream rows (packages/domain observations.ts).
 *
 * Writes are gathered across concurrent deliveries into one upsert, idempotent (a redelivered or
 * replayed webhook writes nothing new) and only moving forward: an older observation never
 * replaces a newer one. For each `company` observation it writes, the same statement reads where
 * the person was known to be before (the company observed until now, the upstream row's): a
 * provider may name a stale company as the one left, and the group that still shows the person
 * must be touched too (`changeTouches`).
 */
import type { Pool } from 'pg';
import { observedTime, supersedes, type Observation } from '@bgs/domain';
import { createCoalescingBatcher } from '@bgs/platform';

/**
 * Person id → the companies the person was known to be in before a `company` observation the
 * call wrote: the previously observed company, then the upstream row's (each once, either may
 * be missing). No entry for a person whose company observation was not written (none reported,
 * or an older report than the one stored: it moves nobody).
 */
export type KnownCompanies = ReadonlyMap<string, readonly string[]>;

export interface ObservationStore {
  record(observations: readonly Observation[]): Promise<KnownCompanies>;
}

/**
 * The newest per person and field (one row each, as one upsert needs), in (person, field)
 * order, so that concurrent statements (several processes) lock rows in one order.
 */
export function newestObservations(observations: readonly Observation[]): Observation[] {
  const newest = new Map<string, Observation>();
  for (const observation of observations) {
    const key = `${observation.personId}\u0000${observation.field}`;
    const current = newest.get(key);
    if (current === undefined || supersedes(observation, current)) newest.set(key, observation);
  }
  return [...newest]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, observation]) => observation);
}

/**
 * The upsert, and for each `company` row it writes, the value it replaces and the upstream row's
 * company, in one statement. `previous` locks the stored company rows (FOR UPDATE, in person
 * order, as the upsert locks): a concurrent statement writing the same person makes it wait and
 * then read that statement's value, not the one of its own snapshot. The upsert's gate reads
 * `previous` in full before the first row is written: a row this statement has already updated
 * would be skipped by the locking read, not read. Event ids and sources compare in code-unit
 * order (COLLATE "C"), as the domain's supersedes; RETURNING lists only rows written, so a
 * report older than the stored one yields nothing.
 */
const UPSERT_OBSERVATIONS = `
  WITH input (person_id, field, value, source, event_id, observed_at, received_at) AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::timestamptz[], $7::timestamptz[])
  ), previous AS (
    SELECT o.person_id, o.value
      FROM person_observations o
     WHERE o.field = 'company'
       AND o.person_id IN (SELECT i.person_id FROM input i WHERE i.field = 'company')
     ORDER BY o.person_id
       FOR UPDATE
  ), written AS (
    INSERT INTO person_observations
      (person_id, field, value, source, event_id, observed_at, received_at)
    SELECT * FROM input WHERE (SELECT count(*) FROM previous) >= 0
    ON CONFLICT (person_id, field) DO UPDATE
       SET value = excluded.value, source = excluded.source, event_id = excluded.event_id,
           observed_at = excluded.observed_at, received_at = excluded.received_at
     WHERE (excluded.observed_at, excluded.received_at,
            excluded.event_id COLLATE "C", excluded.source COLLATE "C")
         > (person_observations.observed_at, person_observations.received_at,
            person_observations.event_id COLLATE "C", person_observations.source COLLATE "C")
    RETURNING person_id, field
  )
  SELECT w.person_id, prev.value AS observed_company_id, p.company_id AS row_company_id
    FROM written w
    LEFT JOIN previous prev ON prev.person_id = w.person_id
    LEFT JOIN people p ON p.id = w.person_id
   WHERE w.field = 'company'`;

/** A `company` observation written, and where the person was known to be before it. */
export interface WrittenMove {
  readonly person_id: string;
  readonly observed_company_id: string | null;
  readonly row_company_id: string | null;
}

/**
 * Each batch's share of what the upsert reports: the people whose `company` observation the
 * batch reported and the statement wrote. A batch whose own report lost to another batch's in
 * the same statement gets the entry too: its touches are published after the write as well.
 */
export function knownCompaniesByBatch(
  batches: readonly (readonly Observation[])[],
  written: readonly WrittenMove[],
): KnownCompanies[] {
  const known = new Map<string, string[]>();
  for (const row of written) {
    const companies = [row.observed_company_id, row.row_company_id].filter(
      (id): id is string => id !== null && id !== '',
    );
    known.set(row.person_id, [...new Set(companies)]);
  }
  return batches.map((batch) => {
    const mine = new Map<string, readonly string[]>();
    for (const { personId, field } of batch) {
      const companies = known.get(personId);
      if (field === 'company' && companies !== undefined) mine.set(personId, companies);
    }
    return mine;
  });
}

const iso = (ms: number): string => new Date(ms).toISOString();

export function createPgObservationStore(
  pool: Pick<Pool, 'query'>,
  options: { readonly maxBatch?: number } = {},
): ObservationStore {
  const upsert = createCoalescingBatcher<readonly Observation[], KnownCompanies>({
    maxBatch: options.maxBatch ?? 500,
    startOnNextTurn: true,
    run: async (batches) => {
      const rows = newestObservations(batches.flat());
      const result = await pool.query<WrittenMove>({
        name: 'observations-upsert-known',
        text: UPSERT_OBSERVATIONS,
        values: [
          rows.map((o) => o.personId),
          rows.map((o) => o.field),
          rows.map((o) => o.value),
          rows.map((o) => o.source),
          rows.map((o) => o.eventId),
          rows.map((o) => iso(observedTime(o))),
          rows.map((o) => iso(o.receivedAt)),
        ],
      });
      return knownCompaniesByBatch(batches, result.rows);
    },
  });
  return {
    record: async (observations) =>
      observations.length > 0 ? upsert(observations) : new Map<string, readonly string[]>(),
  };
}
