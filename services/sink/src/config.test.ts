import { ConfigError, loadConfig, tracingConfigShape } from '@bgs/platform';
import { configSchema } from './config';

describe('sink configSchema', () => {
  it('reads exactly the documented variables', () => {
    expect(Object.keys(configSchema.shape).sort()).toEqual(
      [
        'BGS_DEV_DEFAULTS',
        'DATABASE_URL',
        'FAILPOINTS',
        'HTTP_HOST',
        'HTTP_PORT',
        'KAFKA_BROKERS',
        'KAFKA_CLIENT_ID',
        'LOG_LEVEL',
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
      HTTP_PORT: 58103,
      KAFKA_CLIENT_ID: 'sink',
      DATABASE_URL: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
    });
  });

  it('refuses to start in production on the local stack defaults, unless told to allow them', () => {
    const production = { NODE_ENV: 'production' };
    expect(() => loadConfig(configSchema, production)).toThrow(ConfigError);
    expect(() => loadConfig(configSchema, production)).toThrow(/DATABASE_URL: is not set/);
    expect(() =>
      loadConfig(configSchema, { ...production, BGS_DEV_DEFAULTS: 'allow' }),
    ).not.toThrow();
  });
});

describe('sink FAILPOINTS', () => {
  it('is off by default and takes known names only', () => {
    expect(loadConfig(configSchema, {}).FAILPOINTS).toEqual([]);
    expect(
      loadConfig(configSchema, { FAILPOINTS: 'sink.after-db-commit@crash-' }).FAILPOINTS,
    ).toEqual([{ name: 'sink.after-db-commit', prefix: 'crash-' }]);
    expect(() => loadConfig(configSchema, { FAILPOINTS: 'sink.nowhere' })).toThrow(
      /unknown failpoint sink\.nowhere/,
    );
  });
});
