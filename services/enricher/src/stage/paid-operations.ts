/**
 * The ledger of paid calls (pipeline_operations). A paid call is made at most once per
 * idempotency key: a completed entry is reused, whatever redelivers the message. An entry
 * left `running` by a crash is called again with the same key, which the provider honours by
 * replying without charging twice.
 */
import type { PgRow, PipelineOperation } from '@bgs/db';
import type { Queryable } from './queryable';

export type PaidStage = 'enrich' | 'research';

export interface PaidOperation<T> {
  readonly key: string;
  readonly stage: PaidStage;
  readonly companyId: string;
  readonly input: unknown;
  readonly costUsd: number;
  readonly call: () => Promise<T>;
}

export interface PaidResult<T> {
  readonly output: T;
  readonly costUsd: number;
  /** False when an earlier delivery already paid for this output. */
  readonly calledNow: boolean;
}

export interface PaidOperations {
  runOnce<T>(operation: PaidOperation<T>): Promise<PaidResult<T>>;
}

type OperationRow = PgRow<PipelineOperation, 'status' | 'output' | 'costUsd'>;

export function createPaidOperations(db: Queryable, now: () => number = Date.now): PaidOperations {
  return {
    async runOnce<T>(op: PaidOperation<T>): Promise<PaidResult<T>> {
      await db.query(
        `INSERT INTO pipeline_operations (idempotency_key, stage, company_id, input, status)
         VALUES ($1, $2, $3, $4, 'running')
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [op.key, op.stage, op.companyId, JSON.stringify(op.input)],
      );
      const existing = await db.query<OperationRow>(
        `SELECT status, output, cost_usd FROM pipeline_operations WHERE idempotency_key = $1`,
        [op.key],
      );
      const row = existing.rows[0];
      if (row?.status === 'completed') {
        return { output: row.output as T, costUsd: Number(row.cost_usd ?? 0), calledNow: false };
      }
      const started = now();
      try {
        const output = await op.call();
        const completed = await db.query<PgRow<PipelineOperation, 'idempotencyKey'>>(
          `UPDATE pipeline_operations
              SET status = 'completed', output = $2, duration_ms = $3, cost_usd = $4,
                  error = NULL, completed_at = now()
            WHERE idempotency_key = $1 AND status <> 'completed'
            RETURNING idempotency_key`,
          [op.key, JSON.stringify(output), Math.max(0, now() - started), op.costUsd],
        );
        // Two deliveries of one key can overlap (a partition's previous owner still at work as
        // the next one starts): the provider bills the key once, and only the delivery that
        // completes the entry counts as the one that bought it.
        return { output, costUsd: op.costUsd, calledNow: completed.rows.length > 0 };
      } catch (error) {
        await db
          .query(
            `UPDATE pipeline_operations SET status = 'failed', error = $2
              WHERE idempotency_key = $1 AND status <> 'completed'`,
            [op.key, error instanceof Error ? error.message.slice(0, 1000) : String(error)],
          )
          .catch(() => undefined);
        throw error;
      }
    },
  };
}
