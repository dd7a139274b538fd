import { Pool } from 'pg';
import {
  Topics,
  avroDecoder,
  createSchemaCodec,
  createTopicCodec,
  deferralTopics,
  launchService,
  schemaRegistryResource,
  openPostgresPool,
  preparedStatements,
  startStageConsumer,
  type BuyerGroupWorkRecord,
  type CompanyTouchRecord,
  type RefreshRequestRecord,
} from '@bgs/platform';
import { SERVICE_NAME, configSchema, type RefresherStep } from './config';
import { REFRESHER_CONSUMERS } from './consumer-groups';
import { createPgCooldownStore } from './discover/cooldown-store';
import { createDiscoverHandler } from './discover/discover-handler';
import { createPgRosterStore } from './discover/roster-store';
import { routeDecoders } from './route/decoders';
import { createRouteHandler } from './route/route-handler';
import { createPgUpstreamCommitStore } from './route/upstream-commits-store';

// Composition root: two consumer groups, one for each step (REFRESHER_STEPS: both by default).
// route:    CDC, refresh-requests → company-touches (re-keyed by company); records upstream
//           commit times for discovery. Webhooks are routed at the door (ingress).
// discover: company-touches, refresher.deferred.* → buyer-group.discovered
void launchService({
  name: SERVICE_NAME,
  configSchema,
  setup: async (context) => {
    const { config, kafka, logger, metrics } = context;
    const postgres = openPostgresPool(Pool, context);
    // Every batch runs the same few statements: each is parsed and planned once per connection.
    const db = preparedStatements(postgres.pool);
    const registry = createSchemaCodec({ url: config.SCHEMA_REGISTRY_URL });
    const touchCodec = createTopicCodec<CompanyTouchRecord>(registry, Topics.companyTouches);
    const deferralCodecs = new Map(
      deferralTopics.map((topic) => [topic, createTopicCodec<CompanyTouchRecord>(registry, topic)]),
    );

    const route = () =>
      startStageConsumer({
        stage: 'refresher',
        groupId: REFRESHER_CONSUMERS.route.groupId,
        kafka,
        logger,
        registry: metrics.registry,
        concurrency: config.STAGE_CONCURRENCY,
        inputs: routeDecoders({
          refreshRequests: createTopicCodec<RefreshRequestRecord>(registry, Topics.refreshRequests),
        }),
        handle: createRouteHandler({
          codec: touchCodec,
          upstreamCommits: createPgUpstreamCommitStore(db),
          options: { backfill: config.BACKFILL_SNAPSHOTS },
        }),
      });

    const discover = () =>
      startStageConsumer({
        stage: 'refresher',
        groupId: REFRESHER_CONSUMERS.discover.groupId,
        kafka,
        logger,
        registry: metrics.registry,
        concurrency: config.STAGE_CONCURRENCY,
        inputs: Object.fromEntries(
          REFRESHER_CONSUMERS.discover.topics.map((topic) => [
            topic,
            avroDecoder(createTopicCodec<CompanyTouchRecord>(registry, topic)),
          ]),
        ),
        handle: createDiscoverHandler({
          rosters: createPgRosterStore(db),
          cooldowns: createPgCooldownStore(db),
          touchCodec,
          deferralCodecs,
          workCodecs: new Map(
            [Topics.buyerGroupDiscovered, Topics.buyerGroupResearched].map((topic) => [
              topic,
              createTopicCodec<BuyerGroupWorkRecord>(registry, topic),
            ]),
          ),
          maxMembers: config.MAX_MEMBERS,
          now: Date.now,
        }),
      });

    const steps: Record<RefresherStep, () => ReturnType<typeof startStageConsumer>> = {
      route,
      discover,
    };
    const consumers = config.REFRESHER_STEPS.map((step) => steps[step]());
    for (const consumer of consumers) await consumer.start();
    // Stopped in reverse: the consumers finish their batches before the pool closes.
    return [postgres, schemaRegistryResource(registry), ...consumers];
  },
});
