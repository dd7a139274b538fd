import { runMigrations } from '@bgs/db';
import { createKafka, createLogger, createSchemaCodec, topicCatalogue } from '@bgs/platform';
import type { ProvisionConfig } from './config';
import { CONNECTOR_NAME, debeziumConnectorConfig } from './connector';
import { registerConnector } from './connect-client';
import type { Progress } from './progress';
import { provisionSchemas } from './schemas';
import { provisionTopics } from './topics';

export const STEPS = ['topics', 'migrations', 'schemas', 'connector'] as const;
export type Step = (typeof STEPS)[number];

export function connectorConfigFor(config: ProvisionConfig): Record<string, string> {
  return debeziumConnectorConfig({
    host: config.CDC_DATABASE_HOST,
    port: config.CDC_DATABASE_PORT,
    dbname: config.CDC_DATABASE_NAME,
    user: config.CDC_DATABASE_USER,
    password: config.CDC_DATABASE_PASSWORD,
  });
}

/**
 * Brings topics, tables, schemas and the connector to what the code declares. Every step is
 * idempotent; the connector comes last because it captures tables the migrations create.
 */
export async function provision(
  config: ProvisionConfig,
  steps: readonly Step[],
  progress: Progress,
): Promise<void> {
  if (steps.includes('topics')) {
    const logger = createLogger({ service: 'provisioning', level: 'warn' });
    const admin = createKafka({
      brokers: config.KAFKA_BROKERS,
      clientId: 'bgs-provisioning',
      logger,
    }).admin();
    await admin.connect();
    try {
      await provisionTopics(admin, topicCatalogue, progress);
    } finally {
      await admin.disconnect();
    }
  }
  if (steps.includes('migrations')) {
    const applied = await runMigrations(config.DATABASE_URL);
    progress(
      applied.length > 0
        ? `migrations applied: ${applied.join(', ')}`
        : 'database schema up to date',
    );
  }
  if (steps.includes('schemas')) {
    const codec = createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL });
    await provisionSchemas(codec, topicCatalogue, config.SCHEMAS_DIR, progress);
  }
  if (steps.includes('connector')) {
    await registerConnector(
      config.CONNECT_URL,
      CONNECTOR_NAME,
      connectorConfigFor(config),
      progress,
    );
  }
}
