import {
  ConfigError,
  baseServiceConfigShape,
  databaseUrlField,
  enumField,
  enumListField,
  intField,
  loadConfig,
  portField,
  stringField,
  z,
} from './config';

const serviceSchema = z.object({
  ...baseServiceConfigShape('refresher', 58101),
  DATABASE_URL: databaseUrlField,
});

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults when nothing is set', () => {
    expect(loadConfig(serviceSchema, {})).toEqual({
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: 58101,
      LOG_LEVEL: 'info',
      KAFKA_BROKERS: ['127.0.0.1:59092'],
      KAFKA_CLIENT_ID: 'refresher',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:58081/apis/ccompat/v7',
      SHUTDOWN_TIMEOUT_MS: 15000,
      DATABASE_URL: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
    });
  });

  it('parses and types the values that are set, ignoring unrelated variables', () => {
    const config = loadConfig(serviceSchema, {
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: ' 8080 ',
      LOG_LEVEL: 'debug',
      KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9093,[::1]:9094',
      KAFKA_CLIENT_ID: 'refresher-7',
      SCHEMA_REGISTRY_URL: 'https://registry.internal/apis/ccompat/v7/',
      SHUTDOWN_TIMEOUT_MS: '2500',
      DATABASE_URL: 'postgresql://app:pw@db:5432/bg',
      PATH: '/usr/bin',
    });
    expect(config).toEqual({
      HTTP_HOST: '0.0.0.0',
      HTTP_PORT: 8080,
      LOG_LEVEL: 'debug',
      KAFKA_BROKERS: ['kafka-1:9092', 'kafka-2:9093', '[::1]:9094'],
      KAFKA_CLIENT_ID: 'refresher-7',
      SCHEMA_REGISTRY_URL: 'https://registry.internal/apis/ccompat/v7',
      SHUTDOWN_TIMEOUT_MS: 2500,
      DATABASE_URL: 'postgresql://app:pw@db:5432/bg',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(serviceSchema, { HTTP_PORT: '', LOG_LEVEL: '  ' })).toMatchObject({
      HTTP_PORT: 58101,
      LOG_LEVEL: 'info',
    });
  });

  it('names the variable, the expectation and the value', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { HTTP_PORT: 'abc' }));
    expect(error.message).toBe(
      'Invalid configuration: HTTP_PORT: expected an integer from 1 to 65535, got "abc"',
    );
    expect(error.name).toBe('ConfigError');
  });

  it('reports every bad variable at once', () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, {
        HTTP_PORT: '70000',
        LOG_LEVEL: 'loud',
        KAFKA_BROKERS: 'kafka-1:9092,kafka-2',
        SCHEMA_REGISTRY_URL: 'ftp://registry/apis',
        SHUTDOWN_TIMEOUT_MS: '-1',
      }),
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'HTTP_PORT',
      'LOG_LEVEL',
      'KAFKA_BROKERS',
      'SCHEMA_REGISTRY_URL',
      'SHUTDOWN_TIMEOUT_MS',
    ]);
    expect(error.message).toContain('HTTP_PORT: expected an integer from 1 to 65535, got "70000"');
    expect(error.message).toContain('LOG_LEVEL: expected one of error, warn, info');
    expect(error.message).toContain('KAFKA_BROKERS: expected host:port entries, bad: "kafka-2"');
    expect(error.message).toContain('SCHEMA_REGISTRY_URL: expected a http or https URL');
    expect(error.message).toContain('SHUTDOWN_TIMEOUT_MS: expected an integer of at least 0');
  });

  it.each(['0', '65536', '80.5', '1e3', '0x50'])('rejects HTTP_PORT=%s', (value) => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { HTTP_PORT: value }));
    expect(error.issues).toEqual([
      {
        variable: 'HTTP_PORT',
        message: `expected an integer from 1 to 65535, got ${JSON.stringify(value)}`,
      },
    ]);
  });

  it.each(['kafka', 'kafka:', ':9092', 'kafka:99999', 'a:1,,b:2', 'kafka 1:9092'])(
    'rejects KAFKA_BROKERS=%s',
    (value) => {
      const error = configErrorOf(() => loadConfig(serviceSchema, { KAFKA_BROKERS: value }));
      expect(error.issues.map((issue) => issue.variable)).toEqual(['KAFKA_BROKERS']);
    },
  );

  it('says which required variables are missing', () => {
    const schema = z.object({
      PROVIDER_API_TOKEN: stringField(),
      BATCH_SIZE: intField({ min: 1 }),
      PLAIN: z.string(),
    });
    const error = configErrorOf(() => loadConfig(schema, {}));
    expect(error.message).toBe(
      'Invalid configuration: PROVIDER_API_TOKEN: is required but not set; ' +
        'BATCH_SIZE: is required but not set; PLAIN: is required but not set',
    );
  });

  it('reads a list of distinct known values, and names what it accepts otherwise', () => {
    const schema = z.object({
      STEPS: enumListField(['route', 'discover'], { default: ['route'] }),
    });
    expect(loadConfig(schema, {}).STEPS).toEqual(['route']);
    expect(loadConfig(schema, { STEPS: ' discover , route ' }).STEPS).toEqual([
      'discover',
      'route',
    ]);
    expect(() => loadConfig(schema, { STEPS: 'route,enrich' })).toThrow(
      'STEPS: expected a comma-separated list of route, discover',
    );
    expect(() => loadConfig(schema, { STEPS: 'route,route' })).toThrow(
      'STEPS: lists a value twice',
    );
  });

  describe('never prints secrets', () => {
    it('hides the value of variables whose names look secret', () => {
      const schema = z.object({
        WEBHOOK_SECRET: intField(),
        DB_PASSWORD: portField(),
        PROVIDER_API_KEY: enumField(['a', 'b']),
        GITHUB_TOKEN: intField(),
      });
      const env = {
        WEBHOOK_SECRET: 'hunter2',
        DB_PASSWORD: 'correct horse',
        PROVIDER_API_KEY: 'sk-live-123',
        GITHUB_TOKEN: 'ghp_abc',
      };
      const error = configErrorOf(() => loadConfig(schema, env));
      expect(error.issues.map((issue) => issue.variable)).toEqual(Object.keys(env));
      for (const value of Object.values(env)) expect(error.message).not.toContain(value);
      expect(error.message).toContain('WEBHOOK_SECRET: expected an integer, got [redacted]');
    });

    it('masks the password of a DATABASE_URL but keeps the rest for diagnosis', () => {
      const error = configErrorOf(() =>
        loadConfig(serviceSchema, { DATABASE_URL: 'mysql://bgs_app:s3cr:et@db:3306/bg' }),
      );
      expect(error.message).not.toContain('s3cr');
      expect(error.message).toContain(
        'DATABASE_URL: expected a postgres or postgresql URL, got "mysql://bgs_app:***@db:3306/bg"',
      );
    });

    it('hides a DATABASE_URL with credentials it cannot parse as a URL', () => {
      const error = configErrorOf(() =>
        loadConfig(serviceSchema, { DATABASE_URL: 'bgs_app:pa55word@db/buyergroups' }),
      );
      expect(error.message).not.toContain('pa55word');
      expect(error.message).toContain(
        'DATABASE_URL: expected a postgres or postgresql URL, got [redacted]',
      );
    });
  });
});
