import {
  baseServiceConfigShape,
  databaseUrlField,
  envField,
  intField,
  parseFailpoints,
  z,
  type FailpointSpec,
} from '@bgs/platform';

export const SERVICE_NAME = 'sink';

const FAILPOINT_NAMES = ['sink.after-db-commit'] as const;

/** The environment variables the sink reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58103),
  DATABASE_URL: databaseUrlField,
  /** Partitions processed at once. */
  STAGE_CONCURRENCY: intField({ min: 1, max: 64, default: 6 }),
  /** For tests only: failpoints where the process stops dead, `name[@company-prefix],...`. */
  FAILPOINTS: envField<FailpointSpec[]>((raw) => parseFailpoints(raw, FAILPOINT_NAMES), {
    default: [],
  }),
});

export type Config = z.output<typeof configSchema>;
