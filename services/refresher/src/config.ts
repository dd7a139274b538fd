import { baseServiceConfigShape, booleanField, databaseUrlField, intField, z } from '@bgs/platform';

export const SERVICE_NAME = 'refresher';

/** The environment variables the refresher reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58101),
  DATABASE_URL: databaseUrlField,
  /** Partitions processed at once by each of the refresher's consumers. */
  STAGE_CONCURRENCY: intField({ min: 1, max: 64, default: 6 }),
  /** Treat Debezium snapshot reads as changes: refreshes every company once after a snapshot. */
  BACKFILL_SNAPSHOTS: booleanField({ default: false }),
  /** Most members kept in a discovered buyer group. */
  MAX_MEMBERS: intField({ min: 1, max: 100, default: 12 }),
});

export type Config = z.output<typeof configSchema>;
