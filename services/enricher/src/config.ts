import { baseServiceConfigShape, databaseUrlField, intField, z } from '@bgs/platform';
import { providerConfigShape } from './provider/config';

export const SERVICE_NAME = 'enricher';

/** The environment variables the enricher reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58102),
  DATABASE_URL: databaseUrlField,
  /** Partitions processed at once by each of the enricher's consumers. */
  STAGE_CONCURRENCY: intField({ min: 1, max: 64, default: 6 }),
  ...providerConfigShape,
});

export type Config = z.output<typeof configSchema>;
