/**
 * Records what providers report about people (`person_observations`) before the delivery's
 * touches are published: the discovery a touch causes must see what caused it. Discovery merges
 * these with the upstream rows (packages/domain observations.ts).
 *
 * Writes are gathered across concurrent deliveries into one upsert, idempotent (a redelivered or
 * replayed webhook writes nothing new) and only moving forward: an older observation never
 * replaces a newer one.
 */
import type { Pool } from 'pg';
import { observedTime, supersedes, type Observation } from '@bgs/domain';
import { createCoalescingBatcher } from '@bgs/platform';

export interface ObservationStore {
  record(observations: readonly Observation[]): Promise<void>;
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

// Event ids and sources compare in code-unit order (COLLATE "C"), as the domain's supersedes.
const UPSERT_OBSERVATIONS = `
  INSERT INTO person_observations
    (person_id, field, value, source, event_id, observed_at, received_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                       $6::timestamptz[], $7::timestamptz[])
  ON CONFLICT (person_id, field) DO UPDATE
     SET value = excluded.value, source = excluded.source, event_id = excluded.event_id,
         observed_at = excluded.observed_at, received_at = excluded.received_at
   WHERE (excluded.observed_at, excluded.received_at,
          excluded.event_id COLLATE "C", excluded.source COLLATE "C")
       > (person_observations.observed_at, person_observations.received_at,
          person_observations.event_id COLLATE "C", person_observations.source COLLATE "C")`;

const iso = (ms: number): string => new Date(ms).toISOString();

export function createPgObservationStore(
  pool: Pick<Pool, 'query'>,
  options: { readonly maxBatch?: number } = {},
): ObservationStore {
  const upsert = createCoalescingBatcher<readonly Observation[], void>({
    maxBatch: options.maxBatch ?? 500,
    startOnNextTurn: true,
    run: async (batches) => {
      const rows = newestObservations(batches.flat());
      await pool.query({
        name: 'observations-upsert',
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
      return batches.map(() => undefined);
    },
  });
  return {
    record: async (observations) => {
      if (observations.length > 0) await upsert(observations);
    },
  };
}
