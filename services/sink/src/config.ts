import { baseServiceConfigShape, databaseUrlField, envField, intField, z } from '@bgs/platform';

export const SERVICE_NAME = 'sink';

const FAILPOINT_NAMES = ['sink.after-db-commit'] as const;

/** The environment variables the sink reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58103),
  DATABASE_URL: databaseUrlField,
  /** Partitions processed at once. */
  STAGE_CONCURRENCY: intField({ min: 1, max: 64, default: 6 }),
  /** For tests only: comma-separated failpoints where the process stops dead (docs/pipeline.md). */
  FAILPOINTS: envField<string[]>(
    (raw) => {
      const names = raw
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const unknown = names.filter(
        (name) => !(FAILPOINT_NAMES as readonly string[]).includes(name),
      );
      return unknown.length > 0
        ? {
            ok: false,
            reason: `unknown failpoint ${unknown.join(', ')}; known: ${FAILPOINT_NAMES.join(', ')}`,
          }
        : { ok: true, value: names };
    },
    { default: [] },
  ),
});

export type Config = z.output<typeof configSchema>;
