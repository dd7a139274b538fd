/**
 * The baseline's worker, as the predecessor designed it: a BullMQ Worker whose processor, for
 * one company, loads the roster, runs the same discovery as our refresher (`discoverBuyerGroup`
 * from @bgs/domain) and saves the group, its members and a refresh log in one transaction.
 * A thrown error fails the attempt; BullMQ retries it with the job's backoff (2 s, 4 s, 8 s).
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Pool, PoolClient } from 'pg';
import { discoverBuyerGroup, type Discovery } from '@bgs/domain';
import { QUEUE_NAME, type RefreshJobData } from './jobs';
import { loadRoster } from './roster';
import { BASELINE_SCHEMA } from './schema';

export interface RefreshDeps {
  readonly db: Pool;
  readonly maxMembers: number;
  readonly now?: () => number;
}

export function createRefreshProcessor(deps: RefreshDeps) {
  return async (job: Job<RefreshJobData>): Promise<{ members: number }> => {
    const { companyId } = job.data;
    const roster = await loadRoster(deps.db, companyId);
    // Retrying cannot make a missing company appear: fail the job for good.
    if (!roster) throw new UnrecoverableError(`company not found: ${companyId}`);
    const discovery = discoverBuyerGroup({
      company: roster.company,
      people: roster.people,
      target: roster.target,
      maxMembers: deps.maxMembers,
    });
    await saveRefresh(deps, {
      job: job.data,
      workspaceId: roster.company.workspaceId,
      attempt: job.attemptsMade + 1,
      discovery,
    });
    return { members: discovery.members.length };
  };
}

interface RefreshResult {
  readonly job: RefreshJobData;
  readonly workspaceId: string;
  readonly attempt: number;
  readonly discovery: Discovery;
}

const UPSERT_GROUP = `
  INSERT INTO ${BASELINE_SCHEMA}.buyer_groups
    (company_id, workspace_id, confidence, cohesion, member_count, updated_at)
  VALUES ($1, $2, $3, $4, $5, now())
  ON CONFLICT (company_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id,
    confidence = EXCLUDED.confidence, cohesion = EXCLUDED.cohesion,
    member_count = EXCLUDED.member_count, updated_at = EXCLUDED.updated_at`;

const DELETE_MEMBERS = `DELETE FROM ${BASELINE_SCHEMA}.buyer_group_members WHERE company_id = $1`;

/** All members in one statement, as arrays unnested server-side. */
const INSERT_MEMBERS = `
  INSERT INTO ${BASELINE_SCHEMA}.buyer_group_members (company_id, person_id, role, score, rationale)
  SELECT $1, person_id, role, score, rationale
    FROM unnest($2::text[], $3::text[], $4::numeric[], $5::text[])
      AS m(person_id, role, score, rationale)`;

const INSERT_LOG = `
  INSERT INTO ${BASELINE_SCHEMA}.buyer_group_refresh_logs
    (company_id, event_id, accepted_at, saved_at, attempt, member_count)
  VALUES ($1, $2, $3, $4, $5, $6)`;

/**
 * One transaction. The group row is upserted first: its row lock makes two jobs for the same
 * company (a move and an edit at once) save one after the other instead of mixing members.
 * Statements are named, so each pooled connection plans them once.
 */
async function saveRefresh(deps: RefreshDeps, result: RefreshResult): Promise<void> {
  const { job, discovery } = result;
  const members = discovery.members;
  const client = await deps.db.connect();
  try {
    await client.query('BEGIN');
    await client.query({
      name: 'baseline-upsert-group',
      text: UPSERT_GROUP,
      values: [
        job.companyId,
        result.workspaceId,
        discovery.confidence,
        discovery.cohesion,
        members.length,
      ],
    });
    await client.query({
      name: 'baseline-delete-members',
      text: DELETE_MEMBERS,
      values: [job.companyId],
    });
    if (members.length > 0) await insertMembers(client, job.companyId, members);
    // The last statement before COMMIT: saved_at is as close to the commit as it can be.
    const savedAt = (deps.now ?? Date.now)();
    await client.query({
      name: 'baseline-insert-log',
      text: INSERT_LOG,
      values: [job.companyId, job.eventId, job.acceptedAt, savedAt, result.attempt, members.length],
    });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function insertMembers(client: PoolClient, companyId: string, members: Discovery['members']) {
  return client.query({
    name: 'baseline-insert-members',
    text: INSERT_MEMBERS,
    values: [
      companyId,
      members.map((m) => m.personId),
      members.map((m) => m.role),
      members.map((m) => m.score),
      members.map((m) => m.rationale),
    ],
  });
}

export interface WorkerSettings {
  readonly redisPort: number;
  readonly concurrency: number;
}

export function createBaselineWorker(deps: RefreshDeps, settings: WorkerSettings) {
  return new Worker<RefreshJobData>(QUEUE_NAME, createRefreshProcessor(deps), {
    // BullMQ's blocking connection must never give up on a command.
    connection: { host: '127.0.0.1', port: settings.redisPort, maxRetriesPerRequest: null },
    concurrency: settings.concurrency,
    autorun: false,
  });
}
