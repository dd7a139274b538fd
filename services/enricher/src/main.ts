import { Pool } from 'pg';
import {
  Topics,
  avroDecoder,
  createSchemaCodec,
  createTopicCodec,
  launchService,
  openPostgresPool,
  startStageConsumer,
  type BuyerGroupWorkRecord,
} from '@bgs/platform';
import { SERVICE_NAME, configSchema } from './config';
import { providerOptionsFromConfig } from './provider/config';
import { createHttpProvider } from './provider/http-provider';
import { createEnrichStep } from './stage/enrich-step';
import { createPaidOperations } from './stage/paid-operations';
import { createPgWorkspaceCosts } from './stage/workspace-costs';

// Composition root: one consumer group per step, so a slow research call never holds up
// enrichment of other companies.
// enrich:   buyer-group.discovered → buyer-group.enriched
// research: buyer-group.enriched   → buyer-group.researched
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

    const steps = [
      { step: 'enrich', from: Topics.buyerGroupDiscovered, to: Topics.buyerGroupEnriched },
      { step: 'research', from: Topics.buyerGroupEnriched, to: Topics.buyerGroupResearched },
    ] as const;
    const consumers = steps.map(({ step, from, to }) =>
      startStageConsumer({
        stage: 'enricher',
        groupId: `enricher.${step}`,
        kafka,
        logger,
        registry: metrics.registry,
        concurrency: config.STAGE_CONCURRENCY,
        inputs: { [from]: avroDecoder(codec(from)) },
        handle: createEnrichStep({ step, provider, paid, costs, output: codec(to) }),
      }),
    );
    for (const consumer of consumers) await consumer.start();
    return [postgres, ...consumers];
  },
});
