import {
  ConfigError,
  baseServiceConfigShape,
  coreServiceConfigShape,
  databaseUrlField,
  developmentDefaultsRefused,
  enumField,
  enumListField,
  hasDevelopmentDatabasePassword,
  intField,
  kafkaConfigShape,
  loadConfig,
  portField,
  stringField,
  urlField,
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
      OTEL_SDK_DISABLED: false,
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
      OTEL_SDK_DISABLED: false,
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

describe('development defaults', () => {
  const production = { NODE_ENV: 'production' };
  /** What a real deployment sets: none of the local stack's values. */
  const deployed = {
    KAFKA_BROKERS: 'kafka-1.prod:9092',
    SCHEMA_REGISTRY_URL: 'https://registry.prod/apis/ccompat/v7',
    DATABASE_URL: 'postgres://bgs_app:Zq8-not-the-stack@db.prod:5432/buyergroups',
  };
  const withProvider = z.object({
    ...baseServiceConfigShape('enricher', 58102),
    DATABASE_URL: databaseUrlField,
    PROVIDER_BASE_URL: urlField(['http', 'https'], {
      default: 'http://127.0.0.1:58104',
      development: { what: 'the local provider' },
    }),
    PROVIDER_API_KEY: stringField({
      default: 'local-provider-key',
      development: { what: "the local provider's development key" },
    }),
  });

  it('are used as before outside production', () => {
    for (const env of [{}, { NODE_ENV: 'development' }, { NODE_ENV: 'test' }]) {
      expect(loadConfig(serviceSchema, env).DATABASE_URL).toBe(
        'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
      );
    }
  });

  it('stop a production process from starting, naming every variable that holds one', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, production));
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'KAFKA_BROKERS',
      'SCHEMA_REGISTRY_URL',
      'DATABASE_URL',
      'NODE_ENV',
    ]);
    expect(error.message).toBe(
      'Invalid configuration: ' +
        "KAFKA_BROKERS: is not set, and its default is the local stack's Kafka broker, a development default; " +
        "SCHEMA_REGISTRY_URL: is not set, and its default is the local stack's schema registry, a development default; " +
        "DATABASE_URL: is not set, and its default is a URL with the local stack's database password, a development default; " +
        "NODE_ENV: is production, which refuses development defaults: set this deployment's own values, or BGS_DEV_DEFAULTS=allow to run on development defaults on purpose",
    );
  });

  it('load in production once each is set to a real value', () => {
    expect(loadConfig(serviceSchema, { ...production, ...deployed })).toMatchObject({
      KAFKA_BROKERS: ['kafka-1.prod:9092'],
      DATABASE_URL: deployed.DATABASE_URL,
    });
  });

  it("refuse the stack's database password in any URL, without printing it", () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, {
        ...production,
        ...deployed,
        DATABASE_URL: 'postgres://bgs_app:bgs_app@postgres:5432/buyergroups',
      }),
    );
    expect(error.issues).toEqual([
      {
        variable: 'DATABASE_URL',
        message: "is a URL with the local stack's database password, a development default",
      },
      { variable: 'NODE_ENV', message: expect.stringContaining('BGS_DEV_DEFAULTS=allow') },
    ]);
    expect(error.message).not.toContain('bgs_app:bgs_app');
  });

  it("refuse a value set on purpose when it is the development one (the provider's key)", () => {
    const error = configErrorOf(() =>
      loadConfig(withProvider, {
        ...production,
        ...deployed,
        PROVIDER_BASE_URL: 'https://provider.example.com',
        PROVIDER_API_KEY: 'local-provider-key',
      }),
    );
    expect(error.issues.map((issue) => issue.variable)).toEqual(['PROVIDER_API_KEY', 'NODE_ENV']);
    expect(error.message).toContain("PROVIDER_API_KEY: is the local provider's development key");
    expect(
      loadConfig(withProvider, {
        ...production,
        ...deployed,
        PROVIDER_BASE_URL: 'https://provider.example.com',
        PROVIDER_API_KEY: 'sk-live-1',
      }).PROVIDER_API_KEY,
    ).toBe('sk-live-1');
  });

  it('are allowed in production with BGS_DEV_DEFAULTS=allow, as the local stack and compose set', () => {
    expect(loadConfig(withProvider, { ...production, BGS_DEV_DEFAULTS: 'allow' })).toMatchObject({
      PROVIDER_API_KEY: 'local-provider-key',
      DATABASE_URL: 'postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups',
      BGS_DEV_DEFAULTS: 'allow',
    });
  });

  it('take no other opt-in than allow', () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, { ...production, BGS_DEV_DEFAULTS: 'yes' }),
    );
    expect(error.message).toContain('BGS_DEV_DEFAULTS: expected allow');
  });

  it('report bad values first: a refusal is about a configuration that is otherwise valid', () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { ...production, HTTP_PORT: 'x' }));
    expect(error.issues.map((issue) => issue.variable)).toEqual(['HTTP_PORT']);
  });

  it('are found in a schema that only reuses the shared fields', () => {
    const cli = z.object({ DATABASE_URL: databaseUrlField });
    expect(() => loadConfig(cli, production)).toThrow('DATABASE_URL: is not set');
    // a field built without the mark is never refused
    const own = z.object({ URL: urlField(['http'], { default: 'http://127.0.0.1:1' }) });
    expect(loadConfig(own, production).URL).toBe('http://127.0.0.1:1');
  });
});

describe('developmentDefaultsRefused', () => {
  it.each([
    [{}, false],
    [{ NODE_ENV: 'development' }, false],
    [{ NODE_ENV: 'production' }, true],
    [{ NODE_ENV: ' production ' }, true],
    [{ NODE_ENV: 'production', BGS_DEV_DEFAULTS: 'allow' }, false],
    [{ NODE_ENV: 'production', BGS_DEV_DEFAULTS: 'ALLOW' }, true],
    [{ NODE_ENV: 'production', BGS_DEV_DEFAULTS: '' }, true],
  ])('%j -> %s', (env, refused) => {
    expect(developmentDefaultsRefused(env)).toBe(refused);
  });
});

describe('hasDevelopmentDatabasePassword', () => {
  it.each([
    ['postgres://bgs_app:bgs_app@127.0.0.1:55432/buyergroups', true],
    ['postgresql://other:bgs_app@db.prod/x', true],
    ['postgres://bgs_app:%62gs_app@db/x', true],
    ['postgres://bgs_app:s3cret@db/x', false],
    ['postgres://bgs_app@db/x', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(hasDevelopmentDatabasePassword(url)).toBe(expected);
  });
});

describe('the service shapes', () => {
  it('makes the base shape of the core and the Kafka variables, in their long-standing order', () => {
    const core = Object.keys(coreServiceConfigShape(58104));
    expect(core).not.toContain('KAFKA_BROKERS');
    expect(Object.keys(kafkaConfigShape('sink'))).toEqual([
      'KAFKA_BROKERS',
      'KAFKA_CLIENT_ID',
      'SCHEMA_REGISTRY_URL',
    ]);
    expect(Object.keys(baseServiceConfigShape('sink', 58103))).toEqual([
      'HTTP_HOST',
      'HTTP_PORT',
      'LOG_LEVEL',
      'KAFKA_BROKERS',
      'KAFKA_CLIENT_ID',
      'SCHEMA_REGISTRY_URL',
      ...core.slice(3),
    ]);
    expect(core.slice(3, 5)).toEqual(['SHUTDOWN_TIMEOUT_MS', 'BGS_DEV_DEFAULTS']);
  });
});
