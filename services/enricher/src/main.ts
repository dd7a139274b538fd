import { Pool } from 'pg';
import {
  Topics,
  avroDecoder,
  createSchemaCodec,
  createTopicCodec,
  launchService,
  schemaRegistryResource,
  openPostgresPool,
  startStageConsumer,
  type BuyerGroupWorkRecord,
} from '@bgs/platform';
import { SERVICE_NAME, configSchema } from './config';
import { ENRICHER_CONSUMER } from './consumer-groups';
import { providerOptionsFromConfig } from './provider/config';
import { createHttpProvider } from './provider/http-provider';
import { providerFailureClass } from './provider/port';
import { createEnrichStep } from './stage/enrich-step';
import { createPaidOperations } from './stage/paid-operations';
import { spendMetrics } from './stage/spend-metrics';
import { createPgWorkspaceCosts } from './stage/workspace-costs';

// Composition root: buyer-group.discovered → buy what the level asks for → buyer-group.researched.
void launchService({
  name: SERVICE_NAME,
  configSchema,
  setup: async (context) => {
    const { config, kafka, logger, metrics } = context;
    const postgres = openPostgresPool(Pool, context);
    const registry = createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL });
    const codec = (topic: string) => createTopicCodec<BuyerGroupWorkRecord>(registry, topic);
    const provider = createHttpProvider(providerOptionsFromConfig(config), {
      logger,
      registry: metrics.registry,
    });
    const paid = createPaidOperations(postgres.pool);
    const costs = createPgWorkspaceCosts(postgres.pool);

    const consumer = startStageConsumer({
      stage: 'enricher',
      groupId: ENRICHER_CONSUMER.groupId,
      kafka,
      logger,
      registry: metrics.registry,
      concurrency: config.STAGE_CONCURRENCY,
      classify: providerFailureClass,
      inputs: Object.fromEntries(
        ENRICHER_CONSUMER.topics.map((topic) => [topic, avroDecoder(codec(topic))]),
      ),
      handle: createEnrichStep({
        provider,
        paid,
        costs,
        output: codec(Topics.buyerGroupResearched),
        spend: spendMetrics(metrics.registry),
      }),
    });
    await consumer.start();
    return [postgres, schemaRegistryResource(registry), consumer];
  },
});
