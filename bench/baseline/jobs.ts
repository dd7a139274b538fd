/**
 * The BullMQ jobs: one `refresh-buyer-group` job per touched company, with the predecessor's
 * retries and its per-company rate limit. Pure: the server adds what these functions return.
 */
import type { JobsOptions } from 'bullmq';

export const QUEUE_NAME = 'buyer-group-refresh';
export const JOB_NAME = 'refresh-buyer-group';

/** 1 try + 3 retries, at 2 s, 4 s and 8 s (BullMQ exponential: delay * 2^(attempt - 1)). */
export const REFRESH_ATTEMPTS = 4;
export const REFRESH_BACKOFF_MS = 2_000;

/** Kept for inspection, as the predecessor kept them; trimmed so Redis does not grow forever. */
const KEEP_COMPLETED = 100;
const KEEP_FAILED = 500;

export interface RefreshJobData {
  readonly companyId: string;
  readonly eventId: string;
  /** Epoch ms when the server accepted the webhook (signature good, dedup row claimed). */
  readonly acceptedAt: number;
}

export interface RefreshJob {
  readonly name: typeof JOB_NAME;
  readonly data: RefreshJobData;
  readonly opts: JobsOptions;
}

/**
 * The per-company limit is BullMQ's deduplication in throttle mode: while a company's key lives
 * (`ttl`), further jobs for it are not added, which is the predecessor's "at most one refresh
 * per company per window". The key is set when the first job is added, so the window starts
 * there. At 0 the option is absent and every event gets its job.
 */
export function refreshJobOptions(companyId: string, companyLimitMs: number): JobsOptions {
  return {
    attempts: REFRESH_ATTEMPTS,
    backoff: { type: 'exponential', delay: REFRESH_BACKOFF_MS },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
    ...(companyLimitMs > 0
      ? { deduplication: { id: `company:${companyId}`, ttl: companyLimitMs } }
      : {}),
  };
}

export function refreshJobs(
  companyIds: readonly string[],
  eventId: string,
  acceptedAt: number,
  companyLimitMs: number,
): RefreshJob[] {
  return companyIds.map((companyId) => ({
    name: JOB_NAME,
    data: { companyId, eventId, acceptedAt },
    opts: refreshJobOptions(companyId, companyLimitMs),
  }));
}
