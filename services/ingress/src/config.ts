import { baseServiceConfigShape, databaseUrlField, z } from '@bgs/platform';

export const SERVICE_NAME = 'ingress';

/** The environment variables the ingress reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58100),
  DATABASE_URL: databaseUrlField,
});

export type Config = z.output<typeof configSchema>;
