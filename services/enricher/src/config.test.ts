import { ConfigError, loadConfig, tracingConfigShape } from '@bgs/platform';
import { configSchema } from './config';

describe('enricher configSchema', () => {
  it('reads exactly the documented variables', () => {
    expect(Object.keys(configSchema.shape).sort()).toEqual(
      [
        'BGS_DEV_DEFAULTS',
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
        // the runtime's tracing (docs/operations.md, Tracing)
        ...Object.keys(tracingConfigShape()),
      ].sort(),
    );
  });

  it('defaults to the conventions of docs/conventions.md', () => {
    expect(loadConfig(configSchema, {})).toMatchObject({
      HTTP_PORT: 58102,
      KAFKA_CLIENT_ID: 'enricher',
    });
  });

  describe('in production (NODE_ENV=production)', () => {
    const production = {
      NODE_ENV: 'production',
      KAFKA_BROKERS: 'kafka.prod:9092',
      SCHEMA_REGISTRY_URL: 'https://registry.prod/apis/ccompat/v7',
      DATABASE_URL: 'postgres://enricher:s3cret@db.prod/buyergroups',
    };

    it("refuses the local provider's URL and key, naming both", () => {
      const names = (env: Record<string, string>): string[] => {
        try {
          loadConfig(configSchema, env);
        } catch (error) {
          if (error instanceof ConfigError) {
            return error.issues.map((issue) => issue.variable).filter((v) => v !== 'NODE_ENV');
          }
          throw error;
        }
        return [];
      };
      expect(names(production)).toEqual(['PROVIDER_BASE_URL', 'PROVIDER_API_KEY']);
      // compose sets the key explicitly: still the development one
      expect(
        names({
          ...production,
          PROVIDER_BASE_URL: 'https://api.provider.example',
          PROVIDER_API_KEY: 'local-provider-key',
        }),
      ).toEqual(['PROVIDER_API_KEY']);
      expect(
        names({
          ...production,
          PROVIDER_BASE_URL: 'https://api.provider.example',
          PROVIDER_API_KEY: 'pk_live_1',
        }),
      ).toEqual([]);
    });

    it('runs on them with BGS_DEV_DEFAULTS=allow', () => {
      expect(
        loadConfig(configSchema, { NODE_ENV: 'production', BGS_DEV_DEFAULTS: 'allow' }),
      ).toMatchObject({ PROVIDER_API_KEY: 'local-provider-key' });
    });
  });
});
