import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A workspace may cap what the enrichment provider costs it: `provider_budget_usd`, in USD per
 * rolling 30 days. NULL (every workspace until now) is no budget. Nothing refuses a purchase
 * over it: the enricher exports the budget beside what it spends, and an alert compares the two
 * (docs/operations.md, "Alerts and SLOs").
 */
export class ProviderBudget1795000700000 implements MigrationInterface {
  name = 'ProviderBudget1795000700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "workspace_settings"
        ADD COLUMN "provider_budget_usd" numeric(12,2),
        ADD CONSTRAINT "ck_workspace_settings_provider_budget_usd"
          CHECK ("provider_budget_usd" >= 0)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "workspace_settings"
        DROP CONSTRAINT "ck_workspace_settings_provider_budget_usd",
        DROP COLUMN "provider_budget_usd"`);
  }
}
