/**
 * Writes what providers reported and when upstream rows changed: one statement each per batch,
 * both idempotent (a redelivered batch writes nothing new), so a webhook's observations are
 * written once in effect however often its record is routed. A value only ever moves forward:
 * an older observation or commit never replaces a newer one.
 */
import { observedTime } from '@bgs/domain';
import type { ProviderFacts } from './provider-facts';

export interface ProviderFactsStore {
  record(facts: ProviderFacts): Promise<void>;
}

export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
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

const UPSERT_COMMITS = `
  INSERT INTO person_upstream_commits (person_id, committed_at)
  SELECT * FROM unnest($1::text[], $2::timestamptz[])
  ON CONFLICT (person_id) DO UPDATE SET committed_at = excluded.committed_at
   WHERE excluded.committed_at > person_upstream_commits.committed_at`;

const iso = (ms: number): string => new Date(ms).toISOString();

export function createPgProviderFactsStore(db: Queryable): ProviderFactsStore {
  return {
    async record({ observations, upstreamCommits }) {
      if (observations.length > 0) {
        await db.query(UPSERT_OBSERVATIONS, [
          observations.map((o) => o.personId),
          observations.map((o) => o.field),
          observations.map((o) => o.value),
          observations.map((o) => o.source),
          observations.map((o) => o.eventId),
          observations.map((o) => iso(observedTime(o))),
          observations.map((o) => iso(o.receivedAt)),
        ]);
      }
      if (upstreamCommits.length > 0) {
        await db.query(UPSERT_COMMITS, [
          upstreamCommits.map((c) => c.personId),
          upstreamCommits.map((c) => iso(c.committedAt)),
        ]);
      }
    },
  };
}
