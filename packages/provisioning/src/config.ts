import {
  DEFAULT_DATABASE_URL,
  DEFAULT_KAFKA_BROKERS,
  hostPortListField,
  portField,
  stringField,
  urlField,
  z,
} from '@bgs/platform';
import path from 'node:path';

/** The repository's schemas/ folder, found from this file in src/ or dist/. */
const REPO_SCHEMAS_DIR = path.resolve(__dirname, '..', '..', '..', 'schemas');

/**
 * What provisioning needs to reach. The CDC_DATABASE_* variables say where *Kafka Connect*
 * reaches Postgres, which differs from DATABASE_URL inside compose's network.
 */
export const provisionConfigSchema = z.object({
  KAFKA_BROKERS: hostPortListField({ default: DEFAULT_KAFKA_BROKERS }),
  SCHEMA_REGISTRY_URL: urlField(['http', 'https'], {
    default: 'http://127.0.0.1:58081/apis/ccompat/v7',
  }),
  DATABASE_URL: urlField(['postgres', 'postgresql'], { default: DEFAULT_DATABASE_URL }),
  CONNECT_URL: urlField(['http', 'https'], { default: 'http://127.0.0.1:58083' }),
  CDC_DATABASE_HOST: stringField({ default: '127.0.0.1' }),
  CDC_DATABASE_PORT: portField(55432),
  CDC_DATABASE_NAME: stringField({ default: 'buyergroups' }),
  CDC_DATABASE_USER: stringField({ default: 'bgs_cdc' }),
  CDC_DATABASE_PASSWORD: stringField({ default: 'bgs_cdc' }),
  SCHEMAS_DIR: stringField({ default: REPO_SCHEMAS_DIR }),
});

export type ProvisionConfig = z.infer<typeof provisionConfigSchema>;
