import { ENRICHMENT_LEVELS, type EnrichmentLevel } from '@bgs/domain';
import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import { sqlIn } from '../sql';
import { numericToNumber } from '../transformers';

/**
 * A workspace's buyer-group target and budget. A workspace without a row gets the defaults:
 * change-triggered refreshes at `identify`, a one-hour paid cooldown, the default level costs.
 */
@Entity({ name: 'workspace_settings' })
@Check('ck_workspace_settings_change_level', sqlIn('change_level', ENRICHMENT_LEVELS))
@Check('ck_workspace_settings_cooldown_seconds', '"cooldown_seconds" >= 0')
@Check('ck_workspace_settings_provider_budget_usd', '"provider_budget_usd" >= 0')
export class WorkspaceSettings {
  @PrimaryColumn({
    name: 'workspace_id',
    type: 'text',
    primaryKeyConstraintName: 'pk_workspace_settings',
  })
  workspaceId!: string;

  @Column({ name: 'product_category', type: 'text', default: 'software' })
  productCategory!: string;

  @Column({ name: 'target_departments', type: 'text', array: true, default: '{}' })
  targetDepartments!: string[];

  /** The level of refreshes triggered by changes (manual requests name their own). */
  @Column({ name: 'change_level', type: 'text', default: 'identify' })
  changeLevel!: EnrichmentLevel;

  @Column({ name: 'cooldown_seconds', type: 'integer', default: 3600 })
  cooldownSeconds!: number;

  /** Overrides of the default cost per company of each level, in USD. */
  @Column({ name: 'level_costs_usd', type: 'jsonb', default: {} })
  levelCostsUsd!: Partial<Record<EnrichmentLevel, number>>;

  /**
   * What the enrichment provider may cost the workspace, in USD per rolling 30 days; null is no
   * budget. Watched by an alert, not enforced (docs/operations.md, "Alerts and SLOs").
   */
  @Column({
    name: 'provider_budget_usd',
    type: 'numeric',
    precision: 12,
    scale: 2,
    nullable: true,
    transformer: numericToNumber,
  })
  providerBudgetUsd!: number | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
