import { ConfigError, loadConfig, tracingConfigShape } from '@bgs/platform';
import { configSchema } from './config';

describe('local-provider config', () => {
  it('reads exactly the documented variables, none of them Kafka ones', () => {
    expect(Object.keys(configSchema.shape).sort()).toEqual(
      [
        'BGS_DEV_DEFAULTS',
        'DATABASE_URL',
        'FAULT_LATENCY_MS',
        'FAULT_RATE',
        'FAULT_STATUS',
        'HTTP_HOST',
        'HTTP_PORT',
        'LOG_LEVEL',
        'PROVIDER_API_KEY',
        'SHUTDOWN_TIMEOUT_MS',
        // the runtime's tracing (docs/operations.md, Tracing)
        ...Object.keys(tracingConfigShape()),
      ].sort(),
    );
  });

  it('has the documented defaults', () => {
    expect(loadConfig(configSchema, {})).toEqual({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: 58104,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 15_000,
      DATABASE_URL: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
      PROVIDER_API_KEY: 'local-provider-key',
      FAULT_LATENCY_MS: 0,
      FAULT_RATE: 0,
      FAULT_STATUS: 503,
      OTEL_SDK_DISABLED: false,
    });
  });

  it('reads start-up faults', () => {
    const config = loadConfig(configSchema, {
      FAULT_LATENCY_MS: '250',
      FAULT_RATE: '0.25',
      FAULT_STATUS: '500',
    });
    expect(config).toMatchObject({ FAULT_LATENCY_MS: 250, FAULT_RATE: 0.25, FAULT_STATUS: 500 });
    expect(loadConfig(configSchema, { FAULT_RATE: '1' }).FAULT_RATE).toBe(1);
    expect(loadConfig(configSchema, { FAULT_RATE: '.5' }).FAULT_RATE).toBe(0.5);
  });

  it('refuses a rate outside 0..1 and a status that is not an error', () => {
    for (const env of [{ FAULT_RATE: '1.5' }, { FAULT_RATE: '-0.1' }, { FAULT_STATUS: '200' }]) {
      expect(() => loadConfig(configSchema, env)).toThrow(ConfigError);
    }
  });

  it('never prints the API key in a configuration error', () => {
    let message = '';
    try {
      loadConfig(configSchema, { PROVIDER_API_KEY: 'sk-very-secret', HTTP_PORT: 'x' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('HTTP_PORT');
    expect(message).not.toContain('sk-very-secret');
  });

  it('refuses its development key and the stack database password in production', () => {
    const production = { NODE_ENV: 'production' };
    expect(() => loadConfig(configSchema, production)).toThrow(
      /DATABASE_URL: is not set.*PROVIDER_API_KEY: is not set/,
    );
    expect(
      loadConfig(configSchema, {
        ...production,
        DATABASE_URL: 'postgres://provider:s3cret@db.prod/buyergroups',
        PROVIDER_API_KEY: 'a-real-key',
      }).PROVIDER_API_KEY,
    ).toBe('a-real-key');
    expect(loadConfig(configSchema, { ...production, BGS_DEV_DEFAULTS: 'allow' })).toMatchObject({
      PROVIDER_API_KEY: 'local-provider-key',
    });
  });

  it('ignores the Kafka variables the stack passes every service', () => {
    const config = loadConfig(configSchema, { KAFKA_BROKERS: '127.0.0.1:59092' });
    expect(config).not.toHaveProperty('KAFKA_BROKERS');
  });
});
