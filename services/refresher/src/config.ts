import { baseServiceConfigShape, databaseUrlField, z } from '@bgs/platform';

export const SERVICE_NAME = 'refresher';

/** The environment variables the refresher reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58101),
  DATABASE_URL: databaseUrlField,
});

export type Config = z.output<typeof configSchema>;
