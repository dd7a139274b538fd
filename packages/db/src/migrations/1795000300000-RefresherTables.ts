import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the refresher needs beyond the upstream rows: each workspace's target and budget, and
 * each company's paid-refresh cooldown window (so the window survives restarts and is shared
 * by every refresher instance).
 */
export class RefresherTables1795000300000 implements MigrationInterface {
  name = 'RefresherTables1795000300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "workspace_settings" (
        "workspace_id" text NOT NULL,
        "product_category" text NOT NULL DEFAULT 'software',
        "target_departments" text[] NOT NULL DEFAULT '{}',
        "change_level" text NOT NULL DEFAULT 'identify',
        "cooldown_seconds" integer NOT NULL DEFAULT 3600,
        "level_costs_usd" jsonb NOT NULL DEFAULT '{}',
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_workspace_settings" PRIMARY KEY ("workspace_id"),
        CONSTRAINT "ck_workspace_settings_change_level" CHECK ("change_level" IN ('identify', 'enrich', 'deep_research')),
        CONSTRAINT "ck_workspace_settings_cooldown_seconds" CHECK ("cooldown_seconds" >= 0)
      )`);
    await queryRunner.query(`
      CREATE TABLE "company_cooldowns" (
        "company_id" text NOT NULL,
        "window_started_at" timestamptz NOT NULL,
        "window_ends_at" timestamptz NOT NULL,
        "owner_generation" bigint NOT NULL,
        "deferred_until" timestamptz,
        "deferred_generation" bigint,
        CONSTRAINT "pk_company_cooldowns" PRIMARY KEY ("company_id")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "company_cooldowns"`);
    await queryRunner.query(`DROP TABLE "workspace_settings"`);
  }
}
