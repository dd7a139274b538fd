/**
 * The demo's building blocks that the load harness (`bench/`) reuses, so that the bench makes
 * the same changes, on the same dataset, and matches them to saved groups the same way. The
 * command itself is `main.ts` (`./bgs demo`).
 */
export { generateDataset, WORKSPACES, DEFAULT_SEED } from './dataset/dataset';
export type { Dataset } from './dataset/rows';
export { loadDataset, type LoadResult } from './db/load';
export { readWorkforce } from './db/workforce-query';
export { stackEndpoints, type StackEndpoints } from './endpoints';
export { describeFailure, errorText } from './failures';
export { createRandom, type Random } from './random';

// Traffic: what a change is, how the next one is planned, and how it is written.
export {
  WEBHOOK_TYPES,
  type PlanContext,
  type PlannedChange,
  type WebhookType,
  type WebhookEventDraft,
} from './traffic/changes';
export { KIND_WEIGHTS, planChange } from './traffic/plan';
export { planHire, planSql } from './traffic/plan-sql';
export { planWebhook } from './traffic/plan-webhook';
export { rowChangeSql, type SqlStatement } from './traffic/sql';
export { focusWeight, StaleRowError } from './traffic/traffic';
export { Workforce, type PersonState } from './traffic/workforce';

// Webhooks: the body of a planned change, and how the pipeline names it among a group's origins.
export { stampWebhookEvent, webhookRef } from './webhooks/event';
export { signStandardWebhook } from './webhooks/sign';
export { readWebhookSecret } from './webhooks/secret';

// Watching the saved groups and matching them to the changes made.
export { startWatcher, WATCHED_TOPICS, type Watcher } from './watch/watcher';
export type { BuyerGroupStateRecord } from './watch/records';
export { FreshnessTracker, type MadeChange, type Sample } from './report/freshness';
export { nearestRank, summariseLatencies, type LatencySummary } from './report/percentiles';
