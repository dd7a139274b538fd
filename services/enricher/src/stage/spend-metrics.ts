/**
 * What the enrichment provider costs each workspace, beside the budget it set, so that an alert
 * can compare the two over 30 days (deploy/observability/prometheus/rules):
 * - `bgs_provider_spend_usd_total{workspace}`: the price of each provider operation completed
 *   here, counted once when it is bought; a purchase reused from the ledger costs nothing again;
 * - `bgs_provider_budget_usd{workspace}`: `workspace_settings.provider_budget_usd` of the
 *   workspaces this instance has priced purchases for, and only while they have one.
 * One set per registry, like the provider's own series (provider/metrics.ts).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export const SPEND_COUNTER = 'bgs_provider_spend_usd_total';
export const BUDGET_GAUGE = 'bgs_provider_budget_usd';

export interface SpendMetrics {
  /** A provider operation bought now for the workspace, at its price in USD. */
  spent(workspaceId: string, costUsd: number): void;
  /**
   * The budgets as just loaded for `workspaceIds`: those in `budgetsUsd` are set, the others
   * removed, so a budget taken away (or a settings row deleted) stops being compared.
   */
  budgetsLoaded(workspaceIds: readonly string[], budgetsUsd: ReadonlyMap<string, number>): void;
}

export function spendMetrics(registry: Registry): SpendMetrics {
  const existingSpend = registry.getSingleMetric(SPEND_COUNTER);
  const existingBudget = registry.getSingleMetric(BUDGET_GAUGE);
  const spend =
    existingSpend instanceof Counter
      ? (existingSpend as Counter<'workspace'>)
      : new Counter({
          name: SPEND_COUNTER,
          help: 'USD spent on provider operations (enrich, research), by workspace; reused purchases are not counted again',
          labelNames: ['workspace'] as const,
          registers: [registry],
        });
  const budget =
    existingBudget instanceof Gauge
      ? (existingBudget as Gauge<'workspace'>)
      : new Gauge({
          name: BUDGET_GAUGE,
          help: 'workspace_settings.provider_budget_usd (USD per rolling 30 days) of the workspaces seen that have one',
          labelNames: ['workspace'] as const,
          registers: [registry],
        });
  return {
    spent(workspaceId, costUsd) {
      // A counter only goes up: a price below zero (never resolved so) is not money spent.
      if (costUsd > 0) spend.inc({ workspace: workspaceId }, costUsd);
    },
    budgetsLoaded(workspaceIds, budgetsUsd) {
      for (const workspace of workspaceIds) {
        const usd = budgetsUsd.get(workspace);
        if (usd === undefined) budget.remove({ workspace });
        else budget.set({ workspace }, usd);
      }
    },
  };
}
