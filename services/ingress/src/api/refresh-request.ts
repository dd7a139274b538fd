/**
 * A refresh request once its claim is settled (refresh-claims.ts): the request that owns the
 * claim publishes it and answers 202; a duplicate (same Idempotency-Key) answers with the first
 * request's id, waiting while that one is still being published, and takes over a claim its
 * owner abandoned. Whether a claim is abandoned is the database's call (../claims/protocol.ts):
 * the duplicate asks, and never judges a claim's age by its own clock.
 */
import type { EnrichmentLevel } from '@bgs/domain';
import { describeError, type RefreshRequestRecord } from '@bgs/platform';
import type { Logger } from 'winston';
import { ApiError, UNAVAILABLE } from './http';
import type { RefreshClaims, RefreshRequestRow } from './refresh-claims';

/** Resolves once Kafka holds the record; the key is the company id. */
export interface RefreshRequestPublisher {
  publish(
    key: string,
    value: RefreshRequestRecord,
    headers?: Record<string, string>,
  ): Promise<void>;
}

/** What the refresh route needs, every setting resolved. */
export interface RefreshFlow {
  readonly store: RefreshClaims;
  readonly publisher: RefreshRequestPublisher;
  readonly logger: Logger;
  readonly now: () => number;
  /** How long a duplicate waits for the request that holds its claim. */
  readonly claimWaitMs: number;
  /** How often it looks. */
  readonly claimPollMs: number;
  /** A claim older than this (by the database clock) was left by a crashed request. */
  readonly claimTimeoutMs: number;
}

/** A successful answer; every failure is a thrown ApiError. */
export interface RefreshAnswer {
  readonly status: 200 | 202;
  readonly body: { readonly status: 'enqueued' | 'already_enqueued'; readonly requestId: string };
}

/** The refresh-requests record of a claimed row. */
export function refreshRecordOf(
  row: RefreshRequestRow,
  level: EnrichmentLevel,
): RefreshRequestRecord {
  return {
    requestId: row.id,
    workspaceId: row.workspaceId,
    companyId: row.companyId,
    level,
    reason: row.reason,
    requestedBy: row.apiKeyId,
    requestedAt: row.requestedAt.getTime(),
  };
}

/** An Idempotency-Key names one request: the same key for another company or level is a misuse. */
export const keyReusedElsewhere = (
  first: RefreshRequestRow,
  companyId: string,
  level: EnrichmentLevel,
): boolean => first.companyId !== companyId || first.level !== level;

export type DuplicateStep =
  /** Kafka holds the first request: answer with its id. */
  | 'answer'
  /** Still a claim: take it over if the database says it is abandoned, else wait. */
  | 'await_claim'
  /** The first request failed to publish and gave its claim up: the client retries. */
  | 'gone';

/** What a duplicate does with the first request's row, as it last read it. */
export function duplicateStep(
  first: RefreshRequestRow,
  row: RefreshRequestRow | undefined,
): DuplicateStep {
  if (!row || row.id !== first.id) return 'gone';
  return row.status === 'enqueued' ? 'answer' : 'await_claim';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Publishes the claimed request, then settles the claim: enqueued, or released on failure. */
export async function publishClaimedRefresh(
  flow: RefreshFlow,
  row: RefreshRequestRow,
  level: EnrichmentLevel,
): Promise<RefreshAnswer> {
  const { store, logger } = flow;
  const context = { requestId: row.id, companyId: row.companyId, workspaceId: row.workspaceId };
  try {
    await flow.publisher.publish(row.companyId, refreshRecordOf(row, level));
  } catch (error) {
    logger.warn('refresh request not published', { ...context, error: describeError(error) });
    try {
      await store.releaseRefresh(row.id);
    } catch (releaseError) {
      logger.error('could not release a refresh request claim', {
        ...context,
        error: describeError(releaseError),
      });
    }
    throw UNAVAILABLE();
  }
  try {
    await store.markRefreshEnqueued(row.id);
  } catch (error) {
    // Kafka holds the record, so the answer is still 202; the claim stays until it expires.
    logger.error('refresh request published but not marked enqueued', {
      ...context,
      error: describeError(error),
    });
  }
  logger.info('refresh request enqueued', { ...context, level });
  return { status: 202, body: { status: 'enqueued', requestId: row.id } };
}

/** A duplicate: answer with the first request, waiting while it is still being published. */
export async function answerDuplicateRefresh(
  flow: RefreshFlow,
  first: RefreshRequestRow,
  companyId: string,
  level: EnrichmentLevel,
): Promise<RefreshAnswer> {
  if (keyReusedElsewhere(first, companyId, level)) {
    throw new ApiError(422, {
      error: 'idempotency_key_reused',
      message: 'this Idempotency-Key was used for another company or level',
    });
  }
  const { store, now } = flow;
  const deadline = now() + flow.claimWaitMs;
  let row: RefreshRequestRow | undefined = first;
  for (;;) {
    const step = duplicateStep(first, row);
    if (step === 'gone') throw UNAVAILABLE();
    if (step === 'answer')
      return { status: 200, body: { status: 'already_enqueued', requestId: first.id } };
    const taken = await store.takeOverStaleRefresh(first.id, flow.claimTimeoutMs);
    if (taken) {
      flow.logger.warn('took over an abandoned refresh request claim', { requestId: taken.id });
      return publishClaimedRefresh(flow, taken, level);
    }
    if (now() >= deadline) throw UNAVAILABLE();
    await sleep(flow.claimPollMs);
    row = await store.findRefreshByIdempotencyKey(first.workspaceId, first.idempotencyKey ?? '');
  }
}
