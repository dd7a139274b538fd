import type { Stage } from '@bgs/domain';

/**
 * The closed value sets that the database enforces with CHECK constraints.
 * Entities build their CHECK expressions from these lists; the migrations spell the
 * same lists out literally (a migration must never change once shipped), and the
 * integration test proves the two agree. Enrichment levels and member roles come from
 * @bgs/domain (ENRICHMENT_LEVELS, BUYER_GROUP_ROLES); the sets below are the database's own.
 */

export const COMPANY_STATUSES = ['active', 'inactive', 'archived'] as const;
export type CompanyStatus = (typeof COMPANY_STATUSES)[number];

export const PERSON_STATUSES = ['active', 'left'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

export const BUYER_GROUP_STATUSES = ['pending', 'ready', 'partial', 'failed'] as const;
export type BuyerGroupStatus = (typeof BUYER_GROUP_STATUSES)[number];

export const REFRESH_STATUSES = [
  'pending',
  'processing',
  'completed',
  'failed',
  'skipped',
] as const;
export type RefreshStatus = (typeof REFRESH_STATUSES)[number];

/** Every stage of @bgs/domain's pipeline, as the CHECK on pipeline_operations.stage lists them. */
export const PIPELINE_STAGES = [
  'discover',
  'enrich',
  'research',
  'save',
] as const satisfies readonly Stage[];
export type PipelineStage = (typeof PIPELINE_STAGES)[number];

export const PIPELINE_OPERATION_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type PipelineOperationStatus = (typeof PIPELINE_OPERATION_STATUSES)[number];

/** Inclusive bounds of confidence, cohesion and member score. */
export const SCORE_MIN = 0;
export const SCORE_MAX = 10;

/** An ingress request owns its event id (`claimed`) until Kafka holds the record (`enqueued`). */
export const CLAIM_STATUSES = ['claimed', 'enqueued'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/**
 * What an API key may reach: one workspace's companies, or the operator routes (the archive of
 * webhook deliveries and its replay), which belong to no workspace.
 */
export const API_KEY_SCOPES = ['workspace', 'operator'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
