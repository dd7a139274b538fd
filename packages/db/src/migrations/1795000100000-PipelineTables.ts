import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tables buyergroup-stream owns. None of them references the upstream tables: in
 * production those live in another database, and we only ever see them through CDC.
 */
export class PipelineTables1795000100000 implements MigrationInterface {
  name = 'PipelineTables1795000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "buyer_groups" (
        "company_id" text NOT NULL,
        "workspace_id" text NOT NULL,
        "generation" bigint NOT NULL,
        "level" text NOT NULL,
        "confidence" numeric(4,2),
        "cohesion" numeric(4,2),
        "status" text NOT NULL,
        "computed_at" timestamptz NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_buyer_groups" PRIMARY KEY ("company_id"),
        CONSTRAINT "ck_buyer_groups_generation" CHECK ("generation" >= 0),
        CONSTRAINT "ck_buyer_groups_level" CHECK ("level" IN ('identify', 'enrich', 'deep_research')),
        CONSTRAINT "ck_buyer_groups_status" CHECK ("status" IN ('pending', 'ready', 'partial', 'failed')),
        CONSTRAINT "ck_buyer_groups_confidence" CHECK ("confidence" BETWEEN 0 AND 10),
        CONSTRAINT "ck_buyer_groups_cohesion" CHECK ("cohesion" BETWEEN 0 AND 10)
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_buyer_groups_workspace_id" ON "buyer_groups" ("workspace_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "buyer_group_members" (
        "company_id" text NOT NULL,
        "person_id" text NOT NULL,
        "role" text NOT NULL,
        "score" numeric(4,2) NOT NULL,
        "rationale" text,
        "enrichment" jsonb,
        "research" jsonb,
        "generation" bigint NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_buyer_group_members" PRIMARY KEY ("company_id", "person_id"),
        CONSTRAINT "fk_buyer_group_members_group" FOREIGN KEY ("company_id")
          REFERENCES "buyer_groups" ("company_id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "ck_buyer_group_members_role" CHECK ("role" IN (
          'decision_maker', 'champion', 'influencer', 'technical_evaluator', 'blocker', 'end_user'
        )),
        CONSTRAINT "ck_buyer_group_members_score" CHECK ("score" BETWEEN 0 AND 10),
        CONSTRAINT "ck_buyer_group_members_generation" CHECK ("generation" >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_buyer_group_members_person_id" ON "buyer_group_members" ("person_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "webhook_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "source" text NOT NULL,
        "event_id" text NOT NULL,
        "event_type" text NOT NULL,
        "payload" jsonb NOT NULL,
        "signature_scheme" text NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "processed_at" timestamptz,
        "error" text,
        "company_id" text,
        CONSTRAINT "pk_webhook_events" PRIMARY KEY ("id"),
        CONSTRAINT "uq_webhook_events_source_event_id" UNIQUE ("source", "event_id")
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_events_company_id" ON "webhook_events" ("company_id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_events_received_at" ON "webhook_events" ("received_at")`,
    );

    await queryRunner.query(`
      CREATE TABLE "buyer_group_refresh_logs" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" text NOT NULL,
        "generation" bigint NOT NULL,
        "reason" text NOT NULL,
        "triggered_by" text,
        "status" text NOT NULL,
        "started_at" timestamptz NOT NULL DEFAULT now(),
        "completed_at" timestamptz,
        "changes" jsonb,
        "error" text,
        "trace_id" text,
        CONSTRAINT "pk_buyer_group_refresh_logs" PRIMARY KEY ("id"),
        CONSTRAINT "uq_buyer_group_refresh_logs_company_generation" UNIQUE ("company_id", "generation"),
        CONSTRAINT "ck_buyer_group_refresh_logs_status" CHECK ("status" IN (
          'pending', 'processing', 'completed', 'failed', 'skipped'
        )),
        CONSTRAINT "ck_buyer_group_refresh_logs_generation" CHECK ("generation" >= 0)
      )`);

    await queryRunner.query(`
      CREATE TABLE "pipeline_operations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "idempotency_key" text NOT NULL,
        "stage" text NOT NULL,
        "company_id" text NOT NULL,
        "input" jsonb NOT NULL,
        "output" jsonb,
        "status" text NOT NULL,
        "duration_ms" integer,
        "cost_usd" numeric(12,4),
        "error" text,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "completed_at" timestamptz,
        CONSTRAINT "pk_pipeline_operations" PRIMARY KEY ("id"),
        CONSTRAINT "uq_pipeline_operations_idempotency_key" UNIQUE ("idempotency_key"),
        CONSTRAINT "ck_pipeline_operations_stage" CHECK ("stage" IN ('discover', 'enrich', 'research', 'save')),
        CONSTRAINT "ck_pipeline_operations_status" CHECK ("status" IN ('pending', 'running', 'completed', 'failed')),
        CONSTRAINT "ck_pipeline_operations_duration_ms" CHECK ("duration_ms" >= 0),
        CONSTRAINT "ck_pipeline_operations_cost_usd" CHECK ("cost_usd" >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_pipeline_operations_company_stage_created" ON "pipeline_operations" ("company_id", "stage", "created_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "pipeline_operations"`);
    await queryRunner.query(`DROP TABLE "buyer_group_refresh_logs"`);
    await queryRunner.query(`DROP TABLE "webhook_events"`);
    await queryRunner.query(`DROP TABLE "buyer_group_members"`);
    await queryRunner.query(`DROP TABLE "buyer_groups"`);
  }
}
