import { runMigrations } from '@bgs/db';
import { createKafka, createLogger, createSchemaCodec, topicCatalogue } from '@bgs/platform';
import type { Admin } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';
import type { ProvisionConfig } from './config';
import { CONNECTOR_NAME, debeziumConnectorConfig } from './connector';
import { registerConnector } from './connect-client';
import type { Progress } from './progress';
import { replicationFor, type Replication } from './replication';
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

const brokerCount = (n: number): string => `${n} broker${n === 1 ? '' : 's'}`;

/** How long provisioning waits for the brokers a replication factor needs to register. */
const BROKERS_WAIT_MS = 60_000;

/**
 * The brokers registered now, or, when fewer than `wanted`, once that many have registered (a
 * cluster just started registers them one by one) or a minute has passed.
 */
async function registeredBrokers(
  admin: Admin,
  wanted: number,
  progress: Progress,
): Promise<number> {
  const deadline = Date.now() + BROKERS_WAIT_MS;
  for (let asked = 0; ; asked += 1) {
    const { brokers } = await admin.describeCluster();
    if (brokers.length >= wanted || Date.now() >= deadline) return brokers.length;
    if (asked === 0) progress(`waiting for ${brokerCount(wanted)} (${brokers.length} registered)`);
    await delay(1_000);
  }
}

/** The replication the settings ask for, checked against the brokers the cluster has. */
async function clusterReplication(
  admin: Admin,
  config: ProvisionConfig,
  progress: Progress,
): Promise<Replication> {
  const brokers = await registeredBrokers(admin, config.TOPIC_REPLICATION_FACTOR ?? 1, progress);
  const replication = replicationFor(brokers, {
    replicationFactor: config.TOPIC_REPLICATION_FACTOR,
    minInsyncReplicas: config.TOPIC_MIN_INSYNC_REPLICAS,
  });
  progress(
    `topics: replication factor ${replication.replicationFactor}, ` +
      `min.insync.replicas ${replication.minInsyncReplicas} (${brokerCount(brokers)})`,
  );
  return replication;
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
      const replication = await clusterReplication(admin, config, progress);
      await provisionTopics(admin, topicCatalogue, replication, progress);
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
