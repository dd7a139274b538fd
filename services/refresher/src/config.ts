import {
  baseServiceConfigShape,
  booleanField,
  databaseUrlField,
  enumListField,
  intField,
  z,
} from '@bgs/platform';

export const SERVICE_NAME = 'refresher';

/** The refresher's two steps, each its own consumer group. */
export const REFRESHER_STEPS = ['route', 'discover'] as const;
export type RefresherStep = (typeof REFRESHER_STEPS)[number];

/** The environment variables the refresher reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58101),
  DATABASE_URL: databaseUrlField,
  /**
   * The steps this process runs. Both by default; one each in two processes gives each step a
   * core of its own (discover's rosters and discovery take most of the refresher's CPU).
   */
  REFRESHER_STEPS: enumListField(REFRESHER_STEPS, { default: [...REFRESHER_STEPS] }),
  /** Partitions processed at once by each of the refresher's consumers. */
  STAGE_CONCURRENCY: intField({ min: 1, max: 64, default: 6 }),
  /** Treat Debezium snapshot reads as changes: refreshes every company once after a snapshot. */
  BACKFILL_SNAPSHOTS: booleanField({ default: false }),
  /** Most members kept in a discovered buyer group. */
  MAX_MEMBERS: intField({ min: 1, max: 100, default: 12 }),
});

export type Config = z.output<typeof configSchema>;
