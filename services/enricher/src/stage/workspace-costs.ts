import { DEFAULT_LEVEL_COSTS_USD, resolveLevelCosts, type EnrichmentLevel } from '@bgs/domain';
import type { Queryable } from './queryable';

export type LevelCosts = Readonly<Record<EnrichmentLevel, number>>;

export interface WorkspaceCosts {
  forWorkspaces(
    ids: readonly string[],
  ): Promise<Map<string, LevelCosts> & { defaults: LevelCosts }>;
}

/** Each workspace's level prices (workspace_settings.level_costs_usd over the defaults). */
export function createPgWorkspaceCosts(db: Queryable): WorkspaceCosts {
  return {
    async forWorkspaces(ids) {
      const result = Object.assign(new Map<string, LevelCosts>(), {
        defaults: DEFAULT_LEVEL_COSTS_USD,
      });
      if (ids.length === 0) return result;
      const { rows } = await db.query<{ workspace_id: string; level_costs_usd: unknown }>(
        `SELECT workspace_id, level_costs_usd FROM workspace_settings WHERE workspace_id = ANY($1)`,
        [ids],
      );
      for (const row of rows) {
        const overrides =
          row.level_costs_usd !== null && typeof row.level_costs_usd === 'object'
            ? (row.level_costs_usd as Record<string, unknown>)
            : null;
        result.set(row.workspace_id, resolveLevelCosts(overrides));
      }
      return result;
    },
  };
}
