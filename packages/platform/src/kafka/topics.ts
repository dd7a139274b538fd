/**
 * The topic catalogue: every topic the pipeline owns, declared once.
 * Provisioning creates them from here and services take their names from here,
 * so a name is never spelled twice.
 *
 * All company-keyed topics share one partition count: a company hashes to the same
 * partition number at every stage, which keeps its events in order end to end.
 */
export const COMPANY_PARTITIONS = 6;

export interface TopicDeclaration {
  readonly name: string;
  readonly partitions: number;
  /** Broker-side topic configs, as Kafka names them. */
  readonly config: Readonly<Record<string, string>>;
  /** Avro value schema file under schemas/, when the topic carries Avro values. */
  readonly valueSchema?: string;
  readonly description: string;
}

const retained = (days: number): Record<string, string> => ({
  'cleanup.policy': 'delete',
  'retention.ms': String(days * 24 * 60 * 60 * 1000),
});

/**
 * Keyed state: the broker keeps the newest record per key forever, and every record for at
 * least a day before compaction may remove it. Without that lag, a segment closed after its
 * hour was compacted at once: a consumer catching up (a CRM sync after a deploy, the chaos
 * checker after its run) found generations missing that had been published minutes before.
 */
const compacted: Record<string, string> = {
  'cleanup.policy': 'compact',
  'min.cleanable.dirty.ratio': '0.1',
  'segment.ms': String(60 * 60 * 1000),
  'min.compaction.lag.ms': String(24 * 60 * 60 * 1000),
};

export const Topics = {
  cdcPeople: 'cdc.public.people',
  cdcCompanies: 'cdc.public.companies',
  /** Debezium's heartbeat topic for topic.prefix `cdc`; the name is Debezium's convention. */
  cdcHeartbeat: '__debezium-heartbeat.cdc',
  personChanges: 'person-changes',
  refreshRequests: 'refresh-requests',
  /** Every change, request and elapsed cooldown, re-keyed by the company it touches. */
  companyTouches: 'company-touches',
  buyerGroupDiscovered: 'buyer-group.discovered',
  buyerGroupResearched: 'buyer-group.researched',
  buyerGroups: 'buyer-groups',
  buyerGroupChanges: 'buyer-group.changes',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** The consuming stages; each has its own retry tiers and dead-letter topic. */
export const Stages = ['refresher', 'enricher', 'sink'] as const;
export type Stage = (typeof Stages)[number];

/** Backoff tiers of the predecessor's retry schedule (2 s, 4 s, 8 s). */
export const RETRY_DELAYS_MS = [2000, 4000, 8000] as const;

export const retryTopic = (stage: Stage, delayMs: number): string =>
  `${stage}.retry.${delayMs / 1000}s`;
/** Every retry tier of a stage, shortest first. */
export const retryTopicsOf = (stage: Stage): string[] =>
  RETRY_DELAYS_MS.map((delay) => retryTopic(stage, delay));
export const deadLetterTopic = (stage: Stage): string => `${stage}.dlq`;
/**
 * Paid refreshes inside the cooldown window wait in these delay tiers until it ends. Every
 * record of a tier waits the same time, so a tier's records fall due in the order they were
 * written and the head of a partition never holds back one that is due sooner. A deferral
 * hops down the tiers (largest tier not longer than what remains) until its time has come.
 */
export const DEFERRAL_TIERS_MS = [1_000, 10_000, 60_000, 600_000] as const;
export const deferralTopic = (delayMs: number): string => `refresher.deferred.${delayMs / 1000}s`;
export const deferralTopics: readonly string[] = DEFERRAL_TIERS_MS.map(deferralTopic);

/** The tier a deferral due in `remainingMs` waits in next. */
export function deferralTierFor(remainingMs: number): number {
  const fitting = DEFERRAL_TIERS_MS.filter((tier) => tier <= remainingMs);
  return fitting.length > 0 ? Math.max(...fitting) : DEFERRAL_TIERS_MS[0];
}

const pipeline = (
  name: string,
  description: string,
  config: Record<string, string>,
  valueSchema?: string,
): TopicDeclaration => ({
  name,
  partitions: COMPANY_PARTITIONS,
  config,
  description,
  ...(valueSchema ? { valueSchema } : {}),
});

export const topicCatalogue: readonly TopicDeclaration[] = [
  // Debezium writes these; pre-created because KRaft auto-creation races kafkajs.
  pipeline(Topics.cdcPeople, 'Debezium change events of public.people', retained(7)),
  pipeline(Topics.cdcCompanies, 'Debezium change events of public.companies', retained(7)),
  // Auto-creation is off, and without this topic the connector's producer blocks on
  // metadata for the heartbeat and no change event gets out.
  {
    name: Topics.cdcHeartbeat,
    partitions: 1,
    config: compacted,
    description: 'Debezium heartbeats, so a quiet database still advances the slot',
  },
  pipeline(
    Topics.personChanges,
    'Verified provider webhooks, keyed by company id',
    retained(7),
    'person-change.avsc',
  ),
  pipeline(
    Topics.refreshRequests,
    'Manual refresh requests, keyed by company id',
    retained(7),
    'refresh-request.avsc',
  ),
  pipeline(
    Topics.companyTouches,
    'Significant changes and requests, keyed by the company they touch',
    retained(7),
    'company-touch.avsc',
  ),
  pipeline(
    Topics.buyerGroupDiscovered,
    'Discovered buyer groups, keyed by company id',
    retained(3),
    'buyer-group-work.avsc',
  ),
  pipeline(
    Topics.buyerGroupResearched,
    'Buyer groups with what their level bought (enriched, researched), keyed by company id',
    retained(3),
    'buyer-group-work.avsc',
  ),
  pipeline(
    Topics.buyerGroups,
    'Latest saved buyer group per company (compacted)',
    compacted,
    'buyer-group.avsc',
  ),
  pipeline(
    Topics.buyerGroupChanges,
    'Member changes of saved buyer groups',
    retained(7),
    'buyer-group-change.avsc',
  ),
  ...deferralTopics.map((topic) =>
    pipeline(
      topic,
      'Paid refreshes deferred to the end of the cooldown',
      retained(7),
      'company-touch.avsc',
    ),
  ),
  ...Stages.flatMap((stage) => [
    ...RETRY_DELAYS_MS.map((delay) =>
      pipeline(retryTopic(stage, delay), `${stage} retries after ${delay} ms`, retained(7)),
    ),
    pipeline(
      deadLetterTopic(stage),
      `${stage} dead letters, with reason and attempts`,
      retained(30),
    ),
  ]),
];
