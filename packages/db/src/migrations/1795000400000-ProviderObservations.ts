import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What providers report about people, kept apart from the upstream rows (which are not ours to
 * write): the newest reported value per person and field. Beside it, the commit time of each
 * person row's last upstream change, as Debezium reported it: the upstream keeps no reliable
 * `updated_at`, and discovery needs both times to let the newer value win.
 */
export class ProviderObservations1795000400000 implements MigrationInterface {
  name = 'ProviderObservations1795000400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "person_observations" (
        "person_id" text NOT NULL,
        "field" text NOT NULL,
        "value" text,
        "source" text NOT NULL,
        "event_id" text NOT NULL,
        "observed_at" timestamptz NOT NULL,
        "received_at" timestamptz NOT NULL,
        CONSTRAINT "pk_person_observations" PRIMARY KEY ("person_id", "field"),
        CONSTRAINT "ck_person_observations_field" CHECK ("field" IN ('title', 'seniority', 'department', 'company'))
      )`);
    // Discovery of a company also loads the people observed to have moved into it.
    await queryRunner.query(
      `CREATE INDEX "ix_person_observations_field_value" ON "person_observations" ("field", "value")`,
    );
    await queryRunner.query(`
      CREATE TABLE "person_upstream_commits" (
        "person_id" text NOT NULL,
        "committed_at" timestamptz NOT NULL,
        CONSTRAINT "pk_person_upstream_commits" PRIMARY KEY ("person_id")
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "person_upstream_commits"`);
    await queryRunner.query(`DROP TABLE "person_observations"`);
  }
}
