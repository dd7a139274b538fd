import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys get a scope. A `workspace` key (every key until now, hence the default) sees one
 * workspace's companies; an `operator` key belongs to no workspace and reaches the operator
 * routes (the archive of deliveries and its replay). The CHECK makes the two exclusive in the
 * data itself, so no code path can make a key that is both or neither.
 */
export class ApiKeyScopes1795000600000 implements MigrationInterface {
  name = 'ApiKeyScopes1795000600000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "api_keys"
        ADD COLUMN "scope" text NOT NULL DEFAULT 'workspace',
        ALTER COLUMN "workspace_id" DROP NOT NULL,
        ADD CONSTRAINT "ck_api_keys_scope" CHECK ("scope" IN ('workspace', 'operator')),
        ADD CONSTRAINT "ck_api_keys_scope_workspace"
          CHECK (("scope" = 'workspace') = ("workspace_id" IS NOT NULL))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // An operator key has no workspace, which the reverted table cannot hold: reverting takes
    // the operator keys away (they never make refresh requests, so nothing refers to them).
    await queryRunner.query(`DELETE FROM "api_keys" WHERE "scope" = 'operator'`);
    await queryRunner.query(`
      ALTER TABLE "api_keys"
        DROP CONSTRAINT "ck_api_keys_scope_workspace",
        DROP CONSTRAINT "ck_api_keys_scope",
        ALTER COLUMN "workspace_id" SET NOT NULL,
        DROP COLUMN "scope"`);
  }
}
