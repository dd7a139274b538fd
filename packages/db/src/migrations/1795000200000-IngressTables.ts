import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What ingress needs to answer exactly once: a claim state on webhook_events (a request owns
 * an event id until Kafka holds it), hashed API keys, and refresh requests with their
 * Idempotency-Key.
 */
export class IngressTables1795000200000 implements MigrationInterface {
  name = 'IngressTables1795000200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "webhook_events"
        ADD "status" text NOT NULL DEFAULT 'enqueued',
        ADD "claimed_at" timestamptz NOT NULL DEFAULT now(),
        ADD CONSTRAINT "ck_webhook_events_status" CHECK ("status" IN ('claimed', 'enqueued'))`);

    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "workspace_id" text NOT NULL,
        "name" text NOT NULL,
        "key_prefix" text NOT NULL,
        "key_hash" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "pk_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "uq_api_keys_key_hash" UNIQUE ("key_hash")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_api_keys_workspace_id" ON "api_keys" ("workspace_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "refresh_requests" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "workspace_id" text NOT NULL,
        "company_id" text NOT NULL,
        "api_key_id" uuid NOT NULL,
        "idempotency_key" text,
        "level" text NOT NULL,
        "reason" text,
        "status" text NOT NULL DEFAULT 'claimed',
        "requested_at" timestamptz NOT NULL DEFAULT now(),
        "enqueued_at" timestamptz,
        CONSTRAINT "pk_refresh_requests" PRIMARY KEY ("id"),
        CONSTRAINT "uq_refresh_requests_workspace_idempotency_key" UNIQUE ("workspace_id", "idempotency_key"),
        CONSTRAINT "fk_refresh_requests_api_key" FOREIGN KEY ("api_key_id") REFERENCES "api_keys" ("id") ON DELETE RESTRICT,
        CONSTRAINT "ck_refresh_requests_level" CHECK ("level" IN ('identify', 'enrich', 'deep_research')),
        CONSTRAINT "ck_refresh_requests_status" CHECK ("status" IN ('claimed', 'enqueued'))
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_refresh_requests_company_id" ON "refresh_requests" ("company_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "refresh_requests"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`
      ALTER TABLE "webhook_events"
        DROP CONSTRAINT "ck_webhook_events_status",
        DROP COLUMN "claimed_at",
        DROP COLUMN "status"`);
  }
}
