/**
 * The sink's consumer group and the topics it reads (main.ts runs it). deploy/k8s scales the sink
 * on its lag, and on its `.retry` group's; tests/k8s checks the KEDA triggers against this.
 */
import { Topics, type StageConsumerGroup } from '@bgs/platform';

export const SINK_CONSUMER: StageConsumerGroup = {
  groupId: 'sink',
  topics: [Topics.buyerGroupResearched],
};
