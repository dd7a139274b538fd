import { ConfigError, loadConfig } from '@bgs/platform';
import { provisionConfigSchema } from './config';
import { connectorConfigFor } from './provision';

/** A deployment's own values for every variable that has a development default. */
const OWN_VALUES = {
  KAFKA_BROKERS: 'kafka-1.prod:9092',
  SCHEMA_REGISTRY_URL: 'https://registry.prod/apis/ccompat/v7',
  DATABASE_URL: 'postgres://provisioner:pr0v-s3cret@db.prod:5432/buyergroups',
  CONNECT_URL: 'https://connect.prod',
  CDC_DATABASE_HOST: 'db.prod',
  CDC_DATABASE_PORT: '5432',
  CDC_DATABASE_PASSWORD: 'cdc-s3cret-of-prod',
};

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(provisionConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const refusedVariables = (env: Record<string, string>): string[] =>
  refusal(env)
    .issues.map((issue) => issue.variable)
    .filter((variable) => variable !== 'NODE_ENV');

describe('provisioning config', () => {
  it("outside production runs on the local stack's defaults", () => {
    const config = loadConfig(provisionConfigSchema, {});
    expect(connectorConfigFor(config)).toMatchObject({
      'database.hostname': '127.0.0.1',
      'database.port': '55432',
      'database.user': 'bgs_cdc',
      'database.password': 'bgs_cdc',
    });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:59092']);
  });

  it('in production refuses to start on them and names every variable left to its default', () => {
    expect(refusedVariables({ NODE_ENV: 'production' })).toEqual([
      'KAFKA_BROKERS',
      'SCHEMA_REGISTRY_URL',
      'DATABASE_URL',
      'CONNECT_URL',
      'CDC_DATABASE_PASSWORD',
    ]);
    const { message } = refusal({ NODE_ENV: 'production' });
    expect(message).toContain('CDC_DATABASE_PASSWORD: is not set');
    expect(message).toContain('BGS_DEV_DEFAULTS=allow');
  });

  it("names the one it still lacks, and refuses the stack's passwords set on purpose", () => {
    const { CDC_DATABASE_PASSWORD: _unset, ...allButPassword } = OWN_VALUES;
    expect(refusedVariables({ ...allButPassword, NODE_ENV: 'production' })).toEqual([
      'CDC_DATABASE_PASSWORD',
    ]);
    const stackPasswords = {
      ...OWN_VALUES,
      NODE_ENV: 'production',
      // compose's values: the same roles and passwords on another host
      DATABASE_URL: 'postgres://bgs_app:bgs_app@postgres:5432/buyergroups',
      CDC_DATABASE_PASSWORD: 'bgs_cdc',
    };
    expect(refusedVariables(stackPasswords)).toEqual(['DATABASE_URL', 'CDC_DATABASE_PASSWORD']);
    // The refusal says which setting, never the password it found.
    expect(refusal(stackPasswords).message).not.toMatch(/bgs_app@|"bgs_cdc"/);
  });

  it("in production starts on the deployment's own values", () => {
    const config = loadConfig(provisionConfigSchema, { ...OWN_VALUES, NODE_ENV: 'production' });
    expect(connectorConfigFor(config)).toMatchObject({
      'database.hostname': 'db.prod',
      'database.port': '5432',
      'database.password': 'cdc-s3cret-of-prod',
    });
  });

  it('in production runs on the development defaults only with BGS_DEV_DEFAULTS=allow', () => {
    const config = loadConfig(provisionConfigSchema, {
      NODE_ENV: 'production',
      BGS_DEV_DEFAULTS: 'allow',
    });
    expect(config.CDC_DATABASE_PASSWORD).toBe('bgs_cdc');
    // A typo is an error, not a silent refusal.
    expect(refusal({ NODE_ENV: 'production', BGS_DEV_DEFAULTS: 'yes' }).issues).toEqual([
      expect.objectContaining({ variable: 'BGS_DEV_DEFAULTS' }),
    ]);
  });

  it('reads the topic replication settings as positive integers, unset by default', () => {
    const unset = loadConfig(provisionConfigSchema, {});
    expect(unset.TOPIC_REPLICATION_FACTOR).toBeUndefined();
    expect(unset.TOPIC_MIN_INSYNC_REPLICAS).toBeUndefined();
    const set = loadConfig(provisionConfigSchema, {
      TOPIC_REPLICATION_FACTOR: '3',
      TOPIC_MIN_INSYNC_REPLICAS: ' 2 ',
    });
    expect([set.TOPIC_REPLICATION_FACTOR, set.TOPIC_MIN_INSYNC_REPLICAS]).toEqual([3, 2]);
    expect(
      refusal({ TOPIC_REPLICATION_FACTOR: '0', TOPIC_MIN_INSYNC_REPLICAS: 'two' }).issues,
    ).toEqual([
      {
        variable: 'TOPIC_REPLICATION_FACTOR',
        message: 'expected an integer of at least 1, got "0"',
      },
      {
        variable: 'TOPIC_MIN_INSYNC_REPLICAS',
        message: 'expected an integer of at least 1, got "two"',
      },
    ]);
  });
});
