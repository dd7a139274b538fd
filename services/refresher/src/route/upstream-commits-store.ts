/**
 * Writes when upstream rows changed: one statement per batch, idempotent (a redelivered batch
 * writes nothing new). A commit time only ever moves forward.
 */
import type { UpstreamCommit } from './upstream-commits';

export interface UpstreamCommitStore {
  record(commits: readonly UpstreamCommit[]): Promise<void>;
}

export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

const UPSERT_COMMITS = `
  INSERT INTO person_upstream_commits (person_id, committed_at)
  SELECT * FROM unnest($1::text[], $2::timestamptz[])
  ON CONFLICT (person_id) DO UPDATE SET committed_at = excluded.committed_at
   WHERE excluded.committed_at > person_upstream_commits.committed_at`;

export function createPgUpstreamCommitStore(db: Queryable): UpstreamCommitStore {
  return {
    async record(commits) {
      if (commits.length === 0) return;
      await db.query(UPSERT_COMMITS, [
        commits.map((c) => c.personId),
        commits.map((c) => new Date(c.committedAt).toISOString()),
      ]);
    },
  };
}
