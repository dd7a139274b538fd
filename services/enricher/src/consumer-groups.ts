/**
 * The enricher's consumer group and the topics it reads (main.ts runs it). deploy/k8s scales the
 * enricher on its lag, and on its `.retry` group's; tests/k8s checks the KEDA triggers against
 * this. The group keeps its first name, so a deployed stack resumes from its committed offsets.
 */
import { Topics, type StageConsumerGroup } from '@bgs/platform';

export const ENRICHER_CONSUMER: StageConsumerGroup = {
  groupId: 'enricher.enrich',
  topics: [Topics.buyerGroupDiscovered],
};
