import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The upstream application tables Debezium captures (in the local stack they share the
 * `buyergroups` database with ours), plus the heartbeat table the connector writes.
 *
 * REPLICA IDENTITY FULL makes every UPDATE and DELETE event carry the complete before
 * image, which the refresher compares with the after image to judge significance.
 */
export class UpstreamTables1795000000000 implements MigrationInterface {
  name = 'UpstreamTables1795000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "companies" (
        "id" text NOT NULL,
        "workspace_id" text NOT NULL,
        "name" text NOT NULL,
        "domain" text,
        "industry" text,
        "employee_count" integer,
        "status" text NOT NULL DEFAULT 'active',
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_companies" PRIMARY KEY ("id"),
        CONSTRAINT "ck_companies_status" CHECK ("status" IN ('active', 'inactive', 'archived')),
        CONSTRAINT "ck_companies_employee_count" CHECK ("employee_count" >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_companies_workspace_id" ON "companies" ("workspace_id")`,
    );

    await queryRunner.query(`
      CREATE TABLE "people" (
        "id" text NOT NULL,
        "company_id" text NOT NULL,
        "full_name" text NOT NULL,
        "email" text,
        "job_title" text,
        "department" text,
        "seniority" text,
        "manager_id" text,
        "status" text NOT NULL DEFAULT 'active',
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_people" PRIMARY KEY ("id"),
        CONSTRAINT "fk_people_company" FOREIGN KEY ("company_id")
          REFERENCES "companies" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "fk_people_manager" FOREIGN KEY ("manager_id")
          REFERENCES "people" ("id") ON DELETE SET NULL ON UPDATE NO ACTION,
        CONSTRAINT "ck_people_status" CHECK ("status" IN ('active', 'left')),
        CONSTRAINT "ck_people_manager_not_self" CHECK ("manager_id" <> "id")
      )`);
    await queryRunner.query(`CREATE INDEX "ix_people_company_id" ON "people" ("company_id")`);
    await queryRunner.query(`CREATE INDEX "ix_people_manager_id" ON "people" ("manager_id")`);

    await queryRunner.query(`ALTER TABLE "companies" REPLICA IDENTITY FULL`);
    await queryRunner.query(`ALTER TABLE "people" REPLICA IDENTITY FULL`);

    await queryRunner.query(`
      CREATE TABLE "debezium_heartbeat" (
        "id" integer NOT NULL,
        "beat_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "pk_debezium_heartbeat" PRIMARY KEY ("id")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "debezium_heartbeat"`);
    await queryRunner.query(`DROP TABLE "people"`);
    await queryRunner.query(`DROP TABLE "companies"`);
  }
}
