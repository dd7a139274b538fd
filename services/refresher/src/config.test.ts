import { ConfigError, loadConfig, tracingConfigShape } from '@bgs/platform';
import { configSchema } from './config';

describe('refresher configSchema', () => {
  it('reads exactly the documented variables', () => {
    expect(Object.keys(configSchema.shape).sort()).toEqual(
      [
        'BACKFILL_SNAPSHOTS',
        'BGS_DEV_DEFAULTS',
        'DATABASE_URL',
        'HTTP_HOST',
        'HTTP_PORT',
        'KAFKA_BROKERS',
        'KAFKA_CLIENT_ID',
        'LOG_LEVEL',
        'MAX_MEMBERS',
        'REFRESHER_STEPS',
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
      HTTP_PORT: 58101,
      KAFKA_CLIENT_ID: 'refresher',
      DATABASE_URL: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
      REFRESHER_STEPS: ['route', 'discover'],
    });
  });

  it('refuses to start in production on the local stack defaults, unless told to allow them', () => {
    const production = { NODE_ENV: 'production' };
    expect(() => loadConfig(configSchema, production)).toThrow(ConfigError);
    expect(() => loadConfig(configSchema, production)).toThrow(
      /KAFKA_BROKERS: .*SCHEMA_REGISTRY_URL: .*DATABASE_URL: /,
    );
    expect(loadConfig(configSchema, { ...production, BGS_DEV_DEFAULTS: 'allow' })).toMatchObject({
      DATABASE_URL: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
    });
  });
});
