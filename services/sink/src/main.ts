import { createDataSource } from '@bgs/db';
import {
  Topics,
  avroDecoder,
  createFailpoints,
  createSchemaCodec,
  createTopicCodec,
  launchService,
  schemaRegistryResource,
  startStageConsumer,
  type BuyerGroupChangeRecord,
  type BuyerGroupStateRecord,
  type BuyerGroupWorkRecord,
} from '@bgs/platform';
import { SERVICE_NAME, configSchema } from './config';
import { SINK_CONSUMER } from './consumer-groups';
import { createBuyerGroupStore } from './save/buyer-group-store';
import { createSinkMetrics } from './save/metrics';
import { createSaveHandler } from './save/save-handler';

// Composition root: buyer-group.researched → Postgres (TypeORM) → buyer-groups, buyer-group.changes.
void launchService({
  name: SERVICE_NAME,
  configSchema,
  setup: async (context) => {
    const { config, kafka, logger, metrics } = context;
    const dataSource = createDataSource(config.DATABASE_URL, { applicationName: SERVICE_NAME });
    await dataSource.initialize();
    const database = {
      name: 'postgres',
      check: async () => {
        await dataSource.query('SELECT 1');
      },
      stop: () => dataSource.destroy(),
    };
    const registry = createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL });
    const consumer = startStageConsumer({
      stage: 'sink',
      groupId: SINK_CONSUMER.groupId,
      kafka,
      logger,
      registry: metrics.registry,
      concurrency: config.STAGE_CONCURRENCY,
      inputs: Object.fromEntries(
        SINK_CONSUMER.topics.map((topic) => [
          topic,
          avroDecoder(createTopicCodec<BuyerGroupWorkRecord>(registry, topic)),
        ]),
      ),
      handle: createSaveHandler({
        store: createBuyerGroupStore(dataSource),
        stateCodec: createTopicCodec<BuyerGroupStateRecord>(registry, Topics.buyerGroups),
        changeCodec: createTopicCodec<BuyerGroupChangeRecord>(registry, Topics.buyerGroupChanges),
        failpoints: createFailpoints(config.FAILPOINTS, logger),
        metrics: createSinkMetrics(metrics.registry),
      }),
    });
    await consumer.start();
    return [database, schemaRegistryResource(registry), consumer];
  },
});
