/**
 * Retention, enforced by ingress itself: a loop in every ingress process deletes archived
 * deliveries older than WEBHOOK_ARCHIVE_RETENTION_DAYS and empties the payload of their
 * `webhook_events` rows (the personal data a provider sent), keeping the rows themselves: they
 * are the dedup keys. Small batches, oldest first, SKIP LOCKED: several instances share the
 * work, and no statement holds many locks or long, so the door's claims never wait on it.
 */
import type { Pool } from 'pg';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'winston';
import type { LifecyclePart } from '@bgs/platform';
import { nextSweepDelayMs, retentionCutoff, type SweepPacing } from './retention';

const SWEEP_EXPIRED = `
WITH expired AS (
  SELECT id FROM webhook_deliveries
  WHERE received_at < $1::timestamptz
  ORDER BY received_at
  LIMIT $2
  FOR UPDATE SKIP LOCKED
), cleared AS (
  UPDATE webhook_events w SET payload = '{}'::jsonb
  FROM expired e
  WHERE w.id = e.id
)
DELETE FROM webhook_deliveries d USING expired e WHERE d.id = e.id`;

/** One batch: removes at most `batchSize` deliveries received before `cutoff`; returns how many. */
export async function sweepExpiredDeliveries(
  pool: Pick<Pool, 'query'>,
  cutoff: Date,
  batchSize: number,
): Promise<number> {
  const result = await pool.query({
    name: 'webhook-archive-sweep',
    text: SWEEP_EXPIRED,
    values: [cutoff, batchSize],
  });
  return result.rowCount ?? 0;
}

export const DEFAULT_SWEEP_PACING: Omit<SweepPacing, 'intervalMs'> = {
  batchSize: 500,
  backlogPauseMs: 200,
};

export interface ArchiveSweeperOptions {
  readonly pool: Pick<Pool, 'query'>;
  readonly retentionDays: number;
  readonly pacing: SweepPacing;
  readonly logger: Logger;
  readonly registry?: Registry;
  readonly now?: () => number;
}

/** Starts the loop (first sweep after one backlog pause); stopping waits for a sweep in flight. */
export function startArchiveSweeper(options: ArchiveSweeperOptions): LifecyclePart {
  const { pool, pacing, logger } = options;
  const now = options.now ?? Date.now;
  const swept = new Counter({
    name: 'ingress_webhook_archive_swept_total',
    help: 'Archived webhook deliveries removed after the retention (their payloads emptied)',
    registers: options.registry ? [options.registry] : [],
  });
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const sweep = async (): Promise<void> => {
    let delay = pacing.intervalMs;
    try {
      const cutoff = retentionCutoff(now(), options.retentionDays);
      const removed = await sweepExpiredDeliveries(pool, cutoff, pacing.batchSize);
      swept.inc(removed);
      if (removed > 0) logger.info('archived webhook deliveries expired', { removed });
      delay = nextSweepDelayMs(removed, pacing);
    } catch (error) {
      logger.warn('webhook archive sweep failed; retrying later', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    schedule(delay);
  };
  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = sweep();
    }, delayMs);
  };

  schedule(pacing.backlogPauseMs);
  return {
    name: 'webhook-archive-sweeper',
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
