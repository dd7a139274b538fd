/**
 * Saving buyer groups, one database transaction per batch, guarded by generation:
 * - newer than the saved one: the group, its members, a refresh log and the ledger entries are
 *   written together;
 * - the same generation: it was saved by an earlier delivery whose offsets did not commit; the
 *   saved outcome is returned so the state can be published again, and nothing is written;
 * - older: a no-op, counted and logged as skipped.
 * Companies are locked in id order, so two batches never deadlock.
 */
import { diffMembers, stageCosts, resolveLevelCosts } from '@bgs/domain';
import type { BuyerGroupWorkRecord } from '@bgs/platform';
import type { DataSource, EntityManager } from 'typeorm';

export type MemberDiff = ReturnType<typeof diffMembers>;

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

export interface SaveRequest {
  readonly work: BuyerGroupWorkRecord;
  readonly traceId: string | null;
}

interface GroupRow {
  generation: string;
}

interface LogRow {
  changes: { previousGeneration: number | null; diff: MemberDiff } | null;
  completed_at: Date | null;
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
const clamp10 = (value: number): number => Math.min(10, Math.max(0, round2(value)));

async function saveOne(
  manager: EntityManager,
  request: SaveRequest,
  discoverCostUsd: number,
): Promise<SaveOutcome> {
  const { work } = request;
  const current = (await manager.query(
    `SELECT generation FROM buyer_groups WHERE company_id = $1 FOR UPDATE`,
    [work.companyId],
  )) as GroupRow[];
  const savedGeneration = current[0] ? Number(current[0].generation) : null;

  if (savedGeneration !== null && savedGeneration > work.generation) {
    await manager.query(
      `INSERT INTO buyer_group_refresh_logs
              (company_id, generation, reason, triggered_by, status, started_at, completed_at, error, trace_id)
       VALUES ($1, $2, $3, $4, 'skipped', to_timestamp($5 / 1000.0), now(), $6, $7)
       ON CONFLICT (company_id, generation) DO NOTHING`,
      [
        work.companyId,
        work.generation,
        work.reason,
        work.triggeredBy,
        work.discoveredAt,
        `superseded by generation ${savedGeneration}`,
        request.traceId,
      ],
    );
    return { kind: 'stale', work, savedGeneration };
  }

  if (savedGeneration === work.generation) {
    const logs = (await manager.query(
      `SELECT changes, completed_at FROM buyer_group_refresh_logs
        WHERE company_id = $1 AND generation = $2`,
      [work.companyId, work.generation],
    )) as LogRow[];
    const log = logs[0];
    return {
      kind: 'already_saved',
      work,
      previousGeneration: log?.changes?.previousGeneration ?? null,
      diff: log?.changes?.diff ?? { added: [], removed: [], roleChanged: [] },
      savedAt: log?.completed_at?.getTime() ?? Date.now(),
    };
  }

  const previous = (await manager.query(
    `SELECT person_id, role FROM buyer_group_members WHERE company_id = $1`,
    [work.companyId],
  )) as { person_id: string; role: string }[];
  const diff = diffMembers(
    previous.map((m) => ({ personId: m.person_id, fullName: null, role: m.role })),
    work.members.map((m) => ({ personId: m.personId, fullName: m.fullName, role: m.role })),
  );

  await manager.query(
    `INSERT INTO buyer_groups
            (company_id, workspace_id, generation, level, confidence, cohesion, status, computed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8 / 1000.0))
     ON CONFLICT (company_id) DO UPDATE
        SET workspace_id = excluded.workspace_id, generation = excluded.generation,
            level = excluded.level, confidence = excluded.confidence,
            cohesion = excluded.cohesion, status = excluded.status,
            computed_at = excluded.computed_at, updated_at = now()`,
    [
      work.companyId,
      work.workspaceId,
      work.generation,
      work.level,
      clamp10(work.confidence),
      clamp10(work.cohesion),
      work.status,
      work.discoveredAt,
    ],
  );
  await manager.query(
    `DELETE FROM buyer_group_members WHERE company_id = $1 AND NOT (person_id = ANY($2))`,
    [work.companyId, work.members.map((m) => m.personId)],
  );
  if (work.members.length > 0) {
    // Paid data survives a free refresh: an identify-level save keeps what enrich bought.
    await manager.query(
      `INSERT INTO buyer_group_members
              (company_id, person_id, role, score, rationale, enrichment, research, generation)
       SELECT $1, m.person_id, m.role, m.score, m.rationale, m.enrichment, m.research, $2
         FROM jsonb_to_recordset($3::jsonb)
              AS m(person_id text, role text, score numeric, rationale text, enrichment jsonb, research jsonb)
       ON CONFLICT (company_id, person_id) DO UPDATE
          SET role = excluded.role, score = excluded.score, rationale = excluded.rationale,
              enrichment = COALESCE(excluded.enrichment, buyer_group_members.enrichment),
              research = COALESCE(excluded.research, buyer_group_members.research),
              generation = excluded.generation, updated_at = now()`,
      [
        work.companyId,
        work.generation,
        JSON.stringify(
          work.members.map((m) => ({
            person_id: m.personId,
            role: m.role,
            score: clamp10(m.score),
            rationale: m.rationale,
            enrichment: m.enrichment === null ? null : (JSON.parse(m.enrichment) as unknown),
            research: m.research === null ? null : (JSON.parse(m.research) as unknown),
          })),
        ),
      ],
    );
  }
  const logged = (await manager.query(
    `INSERT INTO buyer_group_refresh_logs
            (company_id, generation, reason, triggered_by, status, started_at, completed_at, changes, trace_id)
     VALUES ($1, $2, $3, $4, 'completed', to_timestamp($5 / 1000.0), clock_timestamp(), $6, $7)
     ON CONFLICT (company_id, generation) DO UPDATE SET status = 'completed'
     RETURNING completed_at`,
    [
      work.companyId,
      work.generation,
      work.reason,
      work.triggeredBy,
      work.discoveredAt,
      JSON.stringify({
        previousGeneration: savedGeneration,
        diff,
        level: work.level,
        originCount: work.originCount,
      }),
      request.traceId,
    ],
  )) as { completed_at: Date }[];
  await manager.query(
    `INSERT INTO pipeline_operations
            (idempotency_key, stage, company_id, input, output, status, duration_ms, cost_usd, completed_at)
     VALUES ($1, 'discover', $3, $4, $5, 'completed', 0, $6, to_timestamp($7 / 1000.0)),
            ($2, 'save', $3, $4, $8, 'completed', $9, 0, now())
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [
      `discover:${work.companyId}:${work.generation}`,
      `save:${work.companyId}:${work.generation}`,
      work.companyId,
      JSON.stringify({ generation: work.generation, level: work.level, reason: work.reason }),
      JSON.stringify({ members: work.members.length, confidence: work.confidence }),
      discoverCostUsd,
      work.discoveredAt,
      JSON.stringify({ diff }),
      Math.max(0, Date.now() - work.discoveredAt),
    ],
  );
  return {
    kind: 'saved',
    work,
    previousGeneration: savedGeneration,
    diff,
    savedAt: logged[0]?.completed_at.getTime() ?? Date.now(),
  };
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
      const ordered = [...requests].sort((a, b) =>
        a.work.companyId < b.work.companyId ? -1 : a.work.companyId > b.work.companyId ? 1 : 0,
      );
      return dataSource.transaction(async (manager) => {
        const discoverCostOf = await discoverCosts(
          manager,
          ordered.map((r) => r.work.workspaceId),
        );
        const outcomes: SaveOutcome[] = [];
        for (const request of ordered) {
          outcomes.push(await saveOne(manager, request, discoverCostOf(request.work.workspaceId)));
        }
        return outcomes;
      });
    },
  };
}
