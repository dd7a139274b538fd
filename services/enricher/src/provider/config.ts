/**
 * The provider's environment variables. The enricher spreads `providerConfigShape` into its own
 * schema, so they are validated with the rest of its configuration, once, at start-up.
 */
import { durationMsField, intField, stringField, urlField, z } from '@bgs/platform';
import type { HttpProviderOptions } from './http-provider';

export const DEFAULT_PROVIDER_BASE_URL = 'http://127.0.0.1:58104';
/** The local provider's key (services/local-provider); compose sets it too. */
export const DEVELOPMENT_PROVIDER_API_KEY = 'local-provider-key';

export const providerConfigShape = {
  /** Production refuses the defaults (the stack's local provider), unless BGS_DEV_DEFAULTS=allow. */
  PROVIDER_BASE_URL: urlField(['http', 'https'], {
    default: DEFAULT_PROVIDER_BASE_URL,
    development: { what: "the local stack's provider" },
  }),
  /** A secret: `loadConfig` never prints variables named *KEY*, and the logger redacts `apiKey`. */
  PROVIDER_API_KEY: stringField({
    default: DEVELOPMENT_PROVIDER_API_KEY,
    development: { what: "the local provider's development key" },
  }),
  /** Per attempt, reading the reply included. */
  PROVIDER_TIMEOUT_MS: intField({ min: 1, max: 600_000, default: 5_000 }),
  /** Attempts in all, the first included. */
  PROVIDER_MAX_ATTEMPTS: intField({ min: 1, max: 20, default: 3 }),
  PROVIDER_BACKOFF_BASE_MS: durationMsField(200),
  /** Also caps a server's Retry-After, so one reply cannot stall a partition for long. */
  PROVIDER_BACKOFF_MAX_MS: durationMsField(5_000),
  PROVIDER_CONCURRENCY: intField({ min: 1, max: 1_024, default: 8 }),
  /** Consecutive failed attempts that open the circuit. */
  PROVIDER_BREAKER_THRESHOLD: intField({ min: 1, max: 10_000, default: 5 }),
  /** How long an open circuit fails fast before one trial call may go through. */
  PROVIDER_BREAKER_HALF_OPEN_MS: intField({ min: 1, max: 3_600_000, default: 10_000 }),
};

export type ProviderConfig = {
  readonly [K in keyof typeof providerConfigShape]: z.output<(typeof providerConfigShape)[K]>;
};

export function providerOptionsFromConfig(config: ProviderConfig): HttpProviderOptions {
  return {
    baseUrl: config.PROVIDER_BASE_URL,
    apiKey: config.PROVIDER_API_KEY,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    maxAttempts: config.PROVIDER_MAX_ATTEMPTS,
    backoffBaseMs: config.PROVIDER_BACKOFF_BASE_MS,
    // A cap below the base would make the base meaningless; the larger of the two wins.
    backoffMaxMs: Math.max(config.PROVIDER_BACKOFF_MAX_MS, config.PROVIDER_BACKOFF_BASE_MS),
    concurrency: config.PROVIDER_CONCURRENCY,
    breakerThreshold: config.PROVIDER_BREAKER_THRESHOLD,
    breakerHalfOpenMs: config.PROVIDER_BREAKER_HALF_OPEN_MS,
  };
}
