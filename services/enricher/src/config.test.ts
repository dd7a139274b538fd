import { loadConfig } from '@bgs/platform';
import { configSchema } from './config';

describe('enricher configSchema', () => {
  it('reads exactly the documented variables', () => {
    expect(Object.keys(configSchema.shape).sort()).toEqual([
      'DATABASE_URL',
      'HTTP_HOST',
      'HTTP_PORT',
      'KAFKA_BROKERS',
      'KAFKA_CLIENT_ID',
      'LOG_LEVEL',
      'PROVIDER_API_KEY',
      'PROVIDER_BACKOFF_BASE_MS',
      'PROVIDER_BACKOFF_MAX_MS',
      'PROVIDER_BASE_URL',
      'PROVIDER_BREAKER_HALF_OPEN_MS',
      'PROVIDER_BREAKER_THRESHOLD',
      'PROVIDER_CONCURRENCY',
      'PROVIDER_MAX_ATTEMPTS',
      'PROVIDER_TIMEOUT_MS',
      'SCHEMA_REGISTRY_URL',
      'SHUTDOWN_TIMEOUT_MS',
      'STAGE_CONCURRENCY',
    ]);
  });

  it('defaults to the conventions of docs/conventions.md', () => {
    expect(loadConfig(configSchema, {})).toMatchObject({
      HTTP_PORT: 58102,
      KAFKA_CLIENT_ID: 'enricher',
    });
  });
});
