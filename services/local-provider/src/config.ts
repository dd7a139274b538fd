import {
  coreServiceConfigShape,
  databaseUrlField,
  envField,
  intField,
  stringField,
  z,
} from '@bgs/platform';

export const SERVICE_NAME = 'local-provider';
export const DEFAULT_PORT = 58104;

/** A fraction from 0 to 1 (e.g. `0.2`). */
const fractionField = (defaultValue: number) =>
  envField(
    (raw) => {
      const value = Number(raw);
      return /^\d*\.?\d+$/.test(raw) && value >= 0 && value <= 1
        ? { ok: true, value }
        : { ok: false, reason: 'expected a number from 0 to 1' };
    },
    { default: defaultValue },
  );

/** The environment variables the local provider reads; keys are the variable names. */
export const configSchema = z.object({
  // The shared HTTP, logging, shutdown and tracing variables and the development-defaults
  // opt-in; this service talks to no Kafka, so it takes none of the Kafka ones.
  ...coreServiceConfigShape(DEFAULT_PORT),
  DATABASE_URL: databaseUrlField,
  /** The bearer token callers must present (the enricher's PROVIDER_API_KEY). */
  PROVIDER_API_KEY: stringField({
    default: 'local-provider-key',
    development: { what: "the local provider's development key" },
  }),
  /** Start-up faults, so a demo can run against a slow or flaky provider. */
  FAULT_LATENCY_MS: intField({ min: 0, max: 600_000, default: 0 }),
  FAULT_RATE: fractionField(0),
  FAULT_STATUS: intField({ min: 400, max: 599, default: 503 }),
});

export type Config = z.output<typeof configSchema>;
