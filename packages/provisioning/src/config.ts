import {
  DEFAULT_KAFKA_BROKERS,
  DEFAULT_SCHEMA_REGISTRY_URL,
  databaseUrlField,
  devDefaultsField,
  hostPortListField,
  intField,
  optionalEnvField,
  portField,
  stringField,
  urlField,
  z,
} from '@bgs/platform';
import path from 'node:path';

/** The repository's schemas/ folder, found from this file in src/ or dist/. */
const REPO_SCHEMAS_DIR = path.resolve(__dirname, '..', '..', '..', 'schemas');

/** The password of the stack's `bgs_cdc` role (deploy/local/stack, compose's postgres-init.sql). */
export const DEVELOPMENT_CDC_PASSWORD = 'bgs_cdc';

const positiveInt = intField({ min: 1 });

/**
 * A positive integer, or `undefined` when unset: provisioning then derives the value from the
 * cluster (replication.ts). The platform's intField always has a value, so its parse is reused
 * here for the same wording of errors.
 */
const optionalPositiveIntField = optionalEnvField((raw) => {
  const parsed = positiveInt.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: parsed.error.issues[0]?.message ?? 'expected a positive integer' };
});

/**
 * What provisioning needs to reach. The CDC_DATABASE_* variables say where *Kafka Connect*
 * reaches Postgres, which differs from DATABASE_URL inside compose's network.
 *
 * The defaults are the local stack's. Under NODE_ENV=production (the image's) loadConfig refuses
 * the marked ones unless BGS_DEV_DEFAULTS=allow: a deployment that forgot CDC_DATABASE_PASSWORD
 * would otherwise register a connector logging in with the published `bgs_cdc` password.
 */
export const provisionConfigSchema = z.object({
  KAFKA_BROKERS: hostPortListField({
    default: DEFAULT_KAFKA_BROKERS,
    development: { what: "the local stack's Kafka broker" },
  }),
  SCHEMA_REGISTRY_URL: urlField(['http', 'https'], {
    default: DEFAULT_SCHEMA_REGISTRY_URL,
    development: { what: "the local stack's schema registry" },
  }),
  DATABASE_URL: databaseUrlField,
  CONNECT_URL: urlField(['http', 'https'], {
    default: 'http://127.0.0.1:58083',
    development: { what: "the local stack's Kafka Connect" },
  }),
  CDC_DATABASE_HOST: stringField({ default: '127.0.0.1' }),
  CDC_DATABASE_PORT: portField(55432),
  CDC_DATABASE_NAME: stringField({ default: 'buyergroups' }),
  CDC_DATABASE_USER: stringField({ default: 'bgs_cdc' }),
  // Refused set on purpose as well as defaulted (a marked field refuses its default's value):
  // compose gives the same role the same password.
  CDC_DATABASE_PASSWORD: stringField({
    default: DEVELOPMENT_CDC_PASSWORD,
    development: { what: "the local stack's CDC role password" },
  }),
  SCHEMAS_DIR: stringField({ default: REPO_SCHEMAS_DIR }),
  // Replicas of each topic it creates, and min.insync.replicas of every topic; unset, both follow
  // the broker count (replicationFor).
  TOPIC_REPLICATION_FACTOR: optionalPositiveIntField,
  TOPIC_MIN_INSYNC_REPLICAS: optionalPositiveIntField,
  BGS_DEV_DEFAULTS: devDefaultsField,
});

export type ProvisionConfig = z.infer<typeof provisionConfigSchema>;
