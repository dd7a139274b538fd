/**
 * Each step's consumer group and the topics it reads (main.ts runs them). deploy/k8s scales the
 * refresher on the lag of each, and of each group's `.retry` group; tests/k8s checks the KEDA
 * triggers against this.
 */
import { Topics, deferralTopics, type StageConsumerGroup } from '@bgs/platform';
import type { RefresherStep } from './config';
import { ROUTE_TOPICS } from './route/decoders';

export const REFRESHER_CONSUMERS: Readonly<Record<RefresherStep, StageConsumerGroup>> = {
  route: { groupId: 'refresher.route', topics: ROUTE_TOPICS },
  // The touches, and the paid refreshes deferred to the end of their cooldown.
  discover: { groupId: 'refresher.discover', topics: [Topics.companyTouches, ...deferralTopics] },
};
