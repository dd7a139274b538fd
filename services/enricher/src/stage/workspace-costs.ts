import { DEFAULT_LEVEL_COSTS_USD, resolveLevelCosts, type EnrichmentLevel } from '@bgs/domain';
import type { Queryable } from './queryable';

export type LevelCosts = Readonly<Record<EnrichmentLevel, number>>;

/** Each workspace's level prices, the defaults, and the provider budgets of those that set one. */
export type WorkspacePrices = Map<string, LevelCosts> & {
  defaults: LevelCosts;
  /** USD per rolling 30 days (workspace_settings.provider_budget_usd); absent: no budget. */
  budgetsUsd: ReadonlyMap<string, number>;
};

export interface WorkspaceCosts {
  forWorkspaces(ids: readonly string[]): Promise<WorkspacePrices>;
}

/**
 * A budget as node-postgres returns a numeric (a string), or null; undefined when there is no
 * usable budget. A value the CHECK would refuse (below zero) is not one either.
 */
export function budgetOf(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const usd = Number(value);
  return Number.isFinite(usd) && usd >= 0 ? usd : undefined;
}

/**
 * Each workspace's level prices (workspace_settings.level_costs_usd over the defaults) and
 * provider budget, in one query.
 */
export function createPgWorkspaceCosts(db: Queryable): WorkspaceCosts {
  return {
    async forWorkspaces(ids) {
      const budgetsUsd = new Map<string, number>();
      const result: WorkspacePrices = Object.assign(new Map<string, LevelCosts>(), {
        defaults: DEFAULT_LEVEL_COSTS_USD,
        budgetsUsd,
      });
      if (ids.length === 0) return result;
      const { rows } = await db.query<{
        workspace_id: string;
        level_costs_usd: unknown;
        provider_budget_usd: unknown;
      }>(
        `SELECT workspace_id, level_costs_usd, provider_budget_usd
           FROM workspace_settings WHERE workspace_id = ANY($1)`,
        [ids],
      );
      for (const row of rows) {
        const overrides =
          row.level_costs_usd !== null && typeof row.level_costs_usd === 'object'
            ? (row.level_costs_usd as Record<string, unknown>)
            : null;
        result.set(row.workspace_id, resolveLevelCosts(overrides));
        const budget = budgetOf(row.provider_budget_usd);
        if (budget !== undefined) budgetsUsd.set(row.workspace_id, budget);
      }
      return result;
    },
  };
}
