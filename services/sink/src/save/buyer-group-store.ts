/**
 * Saving buyer groups, one database transaction per batch, guarded by generation:
 * - newer than the saved one: the group, its members, a refresh log and the ledger entries are
 *   written together;
 * - the same generation: it was saved by an earlier delivery whose offsets did not commit; the
 *   saved outcome is returned so the state can be published again, and nothing is written;
 * - older: a no-op, counted and logged as skipped.
 * A batch costs the same few statements whatever its size (set-based, through
 * jsonb_to_recordset): under load, batches grow and each company costs less. Companies are
 * locked in id order, so two batches never deadlock.
 */
import { stageCosts, resolveLevelCosts, type MemberDiff } from '@bgs/domain';
import type { BuyerGroupWorkRecord } from '@bgs/platform';
import type { BuyerGroupRefreshLog, PgRow } from '@bgs/db';
import type { DataSource, EntityManager } from 'typeorm';
import {
  clamp10,
  diffsAgainstSaved,
  membersToWrite,
  planSaves,
  type SavedMemberRow,
  type SaveRequest,
} from './save-plan';

export type { MemberDiff, SaveRequest };

export type SaveOutcome =
  | {
      readonly kind: 'saved' | 'already_saved';
      readonly work: BuyerGroupWorkRecord;
      readonly previousGeneration: number | null;
      readonly diff: MemberDiff;
      readonly savedAt: number;
    }
  | {
      readonly kind: 'stale';
      readonly work: BuyerGroupWorkRecord;
      readonly savedGeneration: number;
    };

export interface BuyerGroupStore {
  saveBatch(works: readonly SaveRequest[]): Promise<SaveOutcome[]>;
}

const json = (value: unknown): string => JSON.stringify(value);
const EMPTY_DIFF: MemberDiff = { added: [], removed: [], roleChanged: [] };

async function lockSavedGenerations(
  manager: EntityManager,
  companyIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = (await manager.query(
    `SELECT company_id, generation FROM buyer_groups
      WHERE company_id = ANY($1) ORDER BY company_id FOR UPDATE`,
    [companyIds],
  )) as { company_id: string; generation: string }[];
  return new Map(rows.map((r) => [r.company_id, Number(r.generation)]));
}

async function logSkipped(
  manager: EntityManager,
  stale: readonly { request: SaveRequest; savedGeneration: number }[],
): Promise<SaveOutcome[]> {
  if (stale.length === 0) return [];
  await manager.query(
    `INSERT INTO buyer_group_refresh_logs
            (company_id, generation, reason, triggered_by, status, started_at, completed_at, error,
             trace_id, changes)
     SELECT r.company_id, r.generation, r.reason, r.triggered_by, 'skipped',
            to_timestamp(r.discovered_at / 1000.0), now(), r.error, r.trace_id, r.changes
       FROM jsonb_to_recordset($1::jsonb) AS r(company_id text, generation bigint, reason text,
            triggered_by text, discovered_at bigint, error text, trace_id text, changes jsonb)
     ON CONFLICT (company_id, generation) DO NOTHING`,
    [
      json(
        stale.map(({ request: { work, traceId }, savedGeneration }) => ({
          company_id: work.companyId,
          generation: work.generation,
          reason: work.reason,
          triggered_by: work.triggeredBy,
          discovered_at: work.discoveredAt,
          error: `superseded by generation ${savedGeneration}`,
          trace_id: traceId,
          // A generation overtaken (its record came back from a retry tier after a newer one was
          // saved) is never published, so its origins would vanish with it. The newer one was
          // discovered after them (a later touch of the same company), so it reflects them: the
          // log keeps which origins it answers for.
          changes: { supersededBy: savedGeneration, origins: work.origins },
        })),
      ),
    ],
  );
  return stale.map(({ request, savedGeneration }) => ({
    kind: 'stale',
    work: request.work,
    savedGeneration,
  }));
}

/** A saved generation's log; `changes` as saveFresh wrote it (jsonb: the entity says unknown). */
type LogRow = PgRow<BuyerGroupRefreshLog, 'companyId' | 'completedAt'> & {
  readonly changes: { previousGeneration: number | null; diff: MemberDiff } | null;
};

/** A redelivered generation: what its first save recorded, to publish again. */
async function readSaved(
  manager: EntityManager,
  alreadySaved: readonly SaveRequest[],
): Promise<SaveOutcome[]> {
  if (alreadySaved.length === 0) return [];
  const rows = (await manager.query(
    `SELECT l.company_id, l.changes, l.completed_at FROM buyer_group_refresh_logs l
       JOIN jsonb_to_recordset($1::jsonb) AS k(company_id text, generation bigint)
         ON l.company_id = k.company_id AND l.generation = k.generation`,
    [
      json(
        alreadySaved.map(({ work }) => ({
          company_id: work.companyId,
          generation: work.generation,
        })),
      ),
    ],
  )) as LogRow[];
  const logs = new Map(rows.map((r) => [r.company_id, r]));
  return alreadySaved.map(({ work }) => {
    const log = logs.get(work.companyId);
    return {
      kind: 'already_saved',
      work,
      previousGeneration: log?.changes?.previousGeneration ?? null,
      diff: log?.changes?.diff ?? EMPTY_DIFF,
      savedAt: log?.completed_at?.getTime() ?? Date.now(),
    };
  });
}

async function upsertGroups(manager: EntityManager, fresh: readonly SaveRequest[]): Promise<void> {
  await manager.query(
    `INSERT INTO buyer_groups
            (company_id, workspace_id, generation, level, confidence, cohesion, status, computed_at)
     SELECT g.company_id, g.workspace_id, g.generation, g.level, g.confidence, g.cohesion,
            g.status, to_timestamp(g.computed_at / 1000.0)
       FROM jsonb_to_recordset($1::jsonb) AS g(company_id text, workspace_id text,
            generation bigint, level text, confidence numeric, cohesion numeric, status text,
            computed_at bigint)
     ON CONFLICT (company_id) DO UPDATE
        SET workspace_id = excluded.workspace_id, generation = excluded.generation,
            level = excluded.level, confidence = excluded.confidence,
            cohesion = excluded.cohesion, status = excluded.status,
            computed_at = excluded.computed_at, updated_at = now()`,
    [
      json(
        fresh.map(({ work }) => ({
          company_id: work.companyId,
          workspace_id: work.workspaceId,
          generation: work.generation,
          level: work.level,
          confidence: clamp10(work.confidence),
          cohesion: clamp10(work.cohesion),
          status: work.status,
          computed_at: work.discoveredAt,
        })),
      ),
    ],
  );
}

async function replaceMembers(
  manager: EntityManager,
  fresh: readonly SaveRequest[],
  changed: ReturnType<typeof membersToWrite>,
): Promise<void> {
  const kept = fresh.flatMap(({ work }) => work.members.map((m) => [work.companyId, m.personId]));
  await manager.query(
    `DELETE FROM buyer_group_members m
      WHERE m.company_id = ANY($1)
        AND (m.company_id, m.person_id) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
    [fresh.map(({ work }) => work.companyId), kept.map(([c]) => c), kept.map(([, p]) => p)],
  );
  if (changed.length === 0) return;
  // Only the members that changed are written (membersToWrite): an unchanged row gets no new
  // version and no WAL for the CDC slot to decode, and keeps the generation that last changed
  // it. Paid data survives a free refresh: an identify-level save keeps what enrich bought.
  await manager.query(
    `INSERT INTO buyer_group_members
            (company_id, person_id, role, score, rationale, enrichment, research, generation)
     SELECT m.company_id, m.person_id, m.role, m.score, m.rationale, m.enrichment, m.research,
            m.generation
       FROM jsonb_to_recordset($1::jsonb)
            AS m(company_id text, person_id text, role text, score numeric, rationale text,
                 enrichment jsonb, research jsonb, generation bigint)
     ON CONFLICT (company_id, person_id) DO UPDATE
        SET role = excluded.role, score = excluded.score, rationale = excluded.rationale,
            enrichment = COALESCE(excluded.enrichment, buyer_group_members.enrichment),
            research = COALESCE(excluded.research, buyer_group_members.research),
            generation = excluded.generation, updated_at = now()`,
    [
      json(
        changed.map(({ work, member: m }) => ({
          company_id: work.companyId,
          person_id: m.personId,
          role: m.role,
          score: clamp10(m.score),
          rationale: m.rationale,
          enrichment: m.enrichment === null ? null : (JSON.parse(m.enrichment) as unknown),
          research: m.research === null ? null : (JSON.parse(m.research) as unknown),
          generation: work.generation,
        })),
      ),
    ],
  );
}

/** The refresh logs of the new saves; returns each company's completed_at. */
async function logCompleted(
  manager: EntityManager,
  fresh: readonly SaveRequest[],
  saved: ReadonlyMap<string, number>,
  diffs: ReadonlyMap<string, MemberDiff>,
): Promise<Map<string, number>> {
  const rows = (await manager.query(
    `INSERT INTO buyer_group_refresh_logs
            (company_id, generation, reason, triggered_by, status, started_at, completed_at, changes, trace_id)
     SELECT l.company_id, l.generation, l.reason, l.triggered_by, 'completed',
            to_timestamp(l.discovered_at / 1000.0), clock_timestamp(), l.changes, l.trace_id
       FROM jsonb_to_recordset($1::jsonb) AS l(company_id text, generation bigint, reason text,
            triggered_by text, discovered_at bigint, changes jsonb, trace_id text)
     ON CONFLICT (company_id, generation) DO UPDATE SET status = 'completed'
     RETURNING company_id, completed_at`,
    [
      json(
        fresh.map(({ work, traceId }) => ({
          company_id: work.companyId,
          generation: work.generation,
          reason: work.reason,
          triggered_by: work.triggeredBy,
          discovered_at: work.discoveredAt,
          changes: {
            previousGeneration: saved.get(work.companyId) ?? null,
            diff: diffs.get(work.companyId) ?? EMPTY_DIFF,
            level: work.level,
            originCount: work.originCount,
          },
          trace_id: traceId,
        })),
      ),
    ],
  )) as { company_id: string; completed_at: Date }[];
  return new Map(rows.map((r) => [r.company_id, r.completed_at.getTime()]));
}

/**
 * The ledger of what a refresh cost: the discover stage's price, once per (company,
 * generation). The save itself costs nothing and its diff and timing are in the refresh log,
 * so it has no ledger row (writing one doubled the ledger's inserts, the sink's costliest
 * statement).
 */
async function recordDiscoverCosts(
  manager: EntityManager,
  fresh: readonly SaveRequest[],
  discoverCostOf: (workspaceId: string) => number,
): Promise<void> {
  await manager.query(
    `INSERT INTO pipeline_operations
            (idempotency_key, stage, company_id, input, output, status, duration_ms, cost_usd, completed_at)
     SELECT o.idempotency_key, 'discover', o.company_id, o.input, o.output, 'completed', 0,
            o.cost_usd, to_timestamp(o.completed_at / 1000.0)
       FROM jsonb_to_recordset($1::jsonb) AS o(idempotency_key text, company_id text,
            input jsonb, output jsonb, cost_usd numeric, completed_at bigint)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      json(
        fresh.map(({ work }) => ({
          idempotency_key: `discover:${work.companyId}:${work.generation}`,
          company_id: work.companyId,
          input: { generation: work.generation, level: work.level, reason: work.reason },
          output: { members: work.members.length, confidence: work.confidence },
          cost_usd: discoverCostOf(work.workspaceId),
          completed_at: work.discoveredAt,
        })),
      ),
    ],
  );
}

async function saveFresh(
  manager: EntityManager,
  fresh: readonly SaveRequest[],
  saved: ReadonlyMap<string, number>,
  discoverCostOf: (workspaceId: string) => number,
): Promise<SaveOutcome[]> {
  if (fresh.length === 0) return [];
  const savedMembers = (await manager.query(
    `SELECT company_id, person_id, role, score, rationale
       FROM buyer_group_members WHERE company_id = ANY($1)`,
    [fresh.map(({ work }) => work.companyId)],
  )) as SavedMemberRow[];
  const diffs = diffsAgainstSaved(fresh, savedMembers);
  await upsertGroups(manager, fresh);
  await replaceMembers(manager, fresh, membersToWrite(fresh, savedMembers));
  const completedAt = await logCompleted(manager, fresh, saved, diffs);
  await recordDiscoverCosts(manager, fresh, discoverCostOf);
  return fresh.map(({ work }) => ({
    kind: 'saved',
    work,
    previousGeneration: saved.get(work.companyId) ?? null,
    diff: diffs.get(work.companyId) ?? EMPTY_DIFF,
    savedAt: completedAt.get(work.companyId) ?? Date.now(),
  }));
}

/** The discover stage's price per workspace of the batch, read once per batch. */
async function discoverCosts(
  manager: EntityManager,
  workspaceIds: readonly string[],
): Promise<(workspaceId: string) => number> {
  const rows = (await manager.query(
    `SELECT workspace_id, level_costs_usd FROM workspace_settings WHERE workspace_id = ANY($1)`,
    [[...new Set(workspaceIds)]],
  )) as { workspace_id: string; level_costs_usd: Record<string, unknown> | null }[];
  const costs = new Map(
    rows.map((row) => [
      row.workspace_id,
      stageCosts(resolveLevelCosts(row.level_costs_usd)).discover,
    ]),
  );
  const defaultCost = stageCosts(resolveLevelCosts(null)).discover;
  return (workspaceId) => costs.get(workspaceId) ?? defaultCost;
}

export function createBuyerGroupStore(dataSource: DataSource): BuyerGroupStore {
  return {
    async saveBatch(requests) {
      return dataSource.transaction(async (manager) => {
        const saved = await lockSavedGenerations(
          manager,
          [...new Set(requests.map((r) => r.work.companyId))].sort(),
        );
        const plan = planSaves(requests, saved);
        const discoverCostOf = await discoverCosts(
          manager,
          plan.fresh.map((r) => r.work.workspaceId),
        );
        // A generation published again comes before a newer one of the same company.
        const republished = await readSaved(manager, plan.alreadySaved);
        return [
          ...republished,
          ...(await saveFresh(manager, plan.fresh, saved, discoverCostOf)),
          ...(await logSkipped(manager, plan.stale)),
        ];
      });
    },
  };
}
