import { baseServiceConfigShape, z } from '@bgs/platform';

export const SERVICE_NAME = 'enricher';

/** The environment variables the enricher reads; keys are the variable names (docs/conventions.md). */
export const configSchema = z.object({
  ...baseServiceConfigShape(SERVICE_NAME, 58102),
});

export type Config = z.output<typeof configSchema>;
