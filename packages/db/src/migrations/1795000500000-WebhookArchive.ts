import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The archive of verified webhook deliveries, for an operator to look at and replay: the raw
 * body (gzip) and the non-secret headers of each delivery ingress claimed, keyed by its
 * `webhook_events` row (source, event type and status live there). Written by the claim
 * statement itself; a released claim takes its archive row with it. Ingress deletes rows older
 * than its retention, oldest first, hence the index on `received_at`.
 */
export class WebhookArchive1795000500000 implements MigrationInterface {
  name = 'WebhookArchive1795000500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        "headers" jsonb NOT NULL,
        "body" bytea NOT NULL,
        "body_bytes" integer NOT NULL,
        "replay_of" uuid,
        CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"),
        CONSTRAINT "fk_webhook_deliveries_event" FOREIGN KEY ("id")
          REFERENCES "webhook_events" ("id") ON DELETE CASCADE ON UPDATE NO ACTION,
        CONSTRAINT "ck_webhook_deliveries_body_bytes" CHECK ("body_bytes" >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_received_at" ON "webhook_deliveries" ("received_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
  }
}
