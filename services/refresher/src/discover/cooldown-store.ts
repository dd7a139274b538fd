/**
 * The paid-refresh cooldown, kept in Postgres so every refresher instance and every restart
 * sees the same window. Each call is one atomic statement; a redelivered refresh (same
 * generation) gets the same answer as the first delivery, so a crash never loses a deferral.
 */
import type { Queryable } from './roster-store';

export type CooldownDecision =
  | { readonly granted: true }
  /** deferUntil: emit a deferral due then; undefined: one is already waiting for the window. */
  | { readonly granted: false; readonly windowEndsAt: number; readonly deferUntil?: number };

export interface CooldownStore {
  claim(request: {
    readonly companyId: string;
    readonly generation: number;
    readonly cooldownSeconds: number;
    /** A deferral coming back: it re-queues itself if the window still has not ended. */
    readonly cooldownElapsed: boolean;
  }): Promise<CooldownDecision>;
}

export function createPgCooldownStore(db: Queryable): CooldownStore {
  return {
    async claim({ companyId, generation, cooldownSeconds, cooldownElapsed }) {
      const granted = await db.query<{ owner_generation: string }>(
        `INSERT INTO company_cooldowns AS cc
                (company_id, window_started_at, window_ends_at, owner_generation)
         VALUES ($1, now(), now() + make_interval(secs => $2), $3)
         ON CONFLICT (company_id) DO UPDATE
            SET window_started_at = now(), window_ends_at = excluded.window_ends_at,
                owner_generation = excluded.owner_generation,
                deferred_until = NULL, deferred_generation = NULL
          WHERE cc.window_ends_at <= now() OR cc.owner_generation = excluded.owner_generation
         RETURNING owner_generation`,
        [companyId, cooldownSeconds, generation],
      );
      if (granted.rows.length > 0) return { granted: true };

      const deferred = await db.query<{ window_ends_at: Date }>(
        `UPDATE company_cooldowns
            SET deferred_until = window_ends_at, deferred_generation = $2
          WHERE company_id = $1
            AND (deferred_until IS NULL OR deferred_generation = $2 OR $3::boolean)
         RETURNING window_ends_at`,
        [companyId, generation, cooldownElapsed],
      );
      const row = deferred.rows[0];
      if (row) {
        const windowEndsAt = row.window_ends_at.getTime();
        return { granted: false, windowEndsAt, deferUntil: windowEndsAt };
      }
      const current = await db.query<{ window_ends_at: Date }>(
        `SELECT window_ends_at FROM company_cooldowns WHERE company_id = $1`,
        [companyId],
      );
      return { granted: false, windowEndsAt: current.rows[0]?.window_ends_at.getTime() ?? 0 };
    },
  };
}
