import { ConfigError, loadConfig, tracingConfigShape } from '@bgs/platform';
import { configSchema } from './config';

const required = { WEBHOOK_SOURCES_FILE: '/etc/bgs/webhook-sources.json' };

describe('ingress configSchema', () => {
  it('reads exactly the documented variables', () => {
    expect(Object.keys(configSchema.shape).sort()).toEqual(
      [
        'BGS_DEV_DEFAULTS',
        'CLAIM_TIMEOUT_MS',
        'DATABASE_URL',
        'HTTP_HOST',
        'HTTP_PORT',
        'INGRESS_WORKERS',
        'KAFKA_BROKERS',
        'KAFKA_CLIENT_ID',
        'KAFKA_COMPRESSION',
        'LOG_LEVEL',
        'PRODUCE_TIMEOUT_MS',
        'REQUEST_TIMEOUT_MS',
        'SCHEMA_REGISTRY_URL',
        'SHUTDOWN_TIMEOUT_MS',
        'WEBHOOK_ARCHIVE_RETENTION_DAYS',
        'WEBHOOK_ARCHIVE_SWEEP_INTERVAL_MS',
        'WEBHOOK_BODY_LIMIT_BYTES',
        'WEBHOOK_SOURCES_FILE',
        'WEBHOOK_TOLERANCE_MS',
        // the runtime's tracing (docs/operations.md, Tracing)
        ...Object.keys(tracingConfigShape()),
      ].sort(),
    );
  });

  it('defaults to the conventions of docs/conventions.md', () => {
    expect(loadConfig(configSchema, required)).toMatchObject({
      HTTP_PORT: 58100,
      KAFKA_CLIENT_ID: 'ingress',
      DATABASE_URL: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
      WEBHOOK_BODY_LIMIT_BYTES: 262144,
      WEBHOOK_TOLERANCE_MS: 300000,
      PRODUCE_TIMEOUT_MS: 5000,
      WEBHOOK_ARCHIVE_RETENTION_DAYS: 7,
      WEBHOOK_ARCHIVE_SWEEP_INTERVAL_MS: 60000,
      INGRESS_WORKERS: 1,
    });
  });

  it('runs one process unless INGRESS_WORKERS asks for several, and names it when it is bad', () => {
    expect(loadConfig(configSchema, { ...required, INGRESS_WORKERS: '4' }).INGRESS_WORKERS).toBe(4);
    expect(loadConfig(configSchema, { ...required, INGRESS_WORKERS: ' ' }).INGRESS_WORKERS).toBe(1);
    for (const bad of ['0', '-2', '1.5', 'two', '65']) {
      expect(() => loadConfig(configSchema, { ...required, INGRESS_WORKERS: bad })).toThrow(
        `INGRESS_WORKERS: expected an integer from 1 to 64, got "${bad}"`,
      );
    }
  });

  it('keeps archived deliveries at least a day', () => {
    expect(() =>
      loadConfig(configSchema, { ...required, WEBHOOK_ARCHIVE_RETENTION_DAYS: '0' }),
    ).toThrow('WEBHOOK_ARCHIVE_RETENTION_DAYS');
    expect(
      loadConfig(configSchema, { ...required, WEBHOOK_ARCHIVE_RETENTION_DAYS: '30' })
        .WEBHOOK_ARCHIVE_RETENTION_DAYS,
    ).toBe(30);
  });

  it('has no default for the sources file: production must never fall back to development secrets', () => {
    expect(() => loadConfig(configSchema, {})).toThrow(ConfigError);
    expect(() => loadConfig(configSchema, {})).toThrow('WEBHOOK_SOURCES_FILE');
  });

  it('refuses to start in production on the local stack defaults, unless told to allow them', () => {
    const production = { ...required, NODE_ENV: 'production' };
    expect(() => loadConfig(configSchema, production)).toThrow(/DATABASE_URL: is not set/);
    expect(() =>
      loadConfig(configSchema, { ...production, BGS_DEV_DEFAULTS: 'allow' }),
    ).not.toThrow();
  });

  it('bounds the body limit', () => {
    expect(() => loadConfig(configSchema, { ...required, WEBHOOK_BODY_LIMIT_BYTES: '10' })).toThrow(
      'WEBHOOK_BODY_LIMIT_BYTES',
    );
  });
});
