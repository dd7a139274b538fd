/**
 * The paid-refresh cooldown, kept in Postgres so every refresher instance and every restart
 * sees the same window. A batch's claims are decided together, in at most three set-based
 * statements whatever the batch's size; each statement is atomic per company, and a
 * redelivered refresh (same generation) gets the same answer as the first delivery, so a crash
 * never loses a deferral.
 */
import type { Queryable } from './roster-store';

export type CooldownDecision =
  | { readonly granted: true }
  /** deferUntil: emit a deferral due then; undefined: one is already waiting for the window. */
  | { readonly granted: false; readonly windowEndsAt: number; readonly deferUntil?: number };

export interface CooldownClaim {
  readonly companyId: string;
  readonly generation: number;
  readonly cooldownSeconds: number;
  /** A deferral coming back: it re-queues itself if the window still has not ended. */
  readonly cooldownElapsed: boolean;
}

export interface CooldownStore {
  /** One decision per claim, in claim order; at most one claim per company. */
  claim(claims: readonly CooldownClaim[]): Promise<CooldownDecision[]>;
}

/** Refuses a batch naming a company twice: one statement cannot decide a row twice. */
export function assertOneClaimPerCompany(claims: readonly CooldownClaim[]): void {
  const seen = new Set<string>();
  for (const { companyId } of claims) {
    if (seen.has(companyId)) throw new Error(`two cooldown claims for ${companyId} in one batch`);
    seen.add(companyId);
  }
}

export function createPgCooldownStore(db: Queryable): CooldownStore {
  /** Opens (or re-grants to the same generation) every window that has ended. */
  const grant = async (claims: readonly CooldownClaim[]): Promise<Set<string>> => {
    const granted = await db.query<{ company_id: string }>(
      `INSERT INTO company_cooldowns AS cc
              (company_id, window_started_at, window_ends_at, owner_generation)
       SELECT c.company_id, now(), now() + make_interval(secs => c.seconds), c.generation
         FROM unnest($1::text[], $2::float8[], $3::bigint[]) AS c(company_id, seconds, generation)
       ON CONFLICT (company_id) DO UPDATE
          SET window_started_at = now(), window_ends_at = excluded.window_ends_at,
              owner_generation = excluded.owner_generation,
              deferred_until = NULL, deferred_generation = NULL
        WHERE cc.window_ends_at <= now() OR cc.owner_generation = excluded.owner_generation
       RETURNING company_id`,
      [
        claims.map((c) => c.companyId),
        claims.map((c) => c.cooldownSeconds),
        claims.map((c) => c.generation),
      ],
    );
    return new Set(granted.rows.map((r) => r.company_id));
  };

  /** Records one deferral per open window: the first claim's, or a returning deferral's. */
  const defer = async (claims: readonly CooldownClaim[]): Promise<Map<string, number>> => {
    const deferred = await db.query<{ company_id: string; window_ends_at: Date }>(
      `UPDATE company_cooldowns AS cc
          SET deferred_until = cc.window_ends_at, deferred_generation = c.generation
         FROM unnest($1::text[], $2::bigint[], $3::boolean[]) AS c(company_id, generation, elapsed)
        WHERE cc.company_id = c.company_id
          AND (cc.deferred_until IS NULL OR cc.deferred_generation = c.generation OR c.elapsed)
       RETURNING cc.company_id, cc.window_ends_at`,
      [
        claims.map((c) => c.companyId),
        claims.map((c) => c.generation),
        claims.map((c) => c.cooldownElapsed),
      ],
    );
    return new Map(deferred.rows.map((r) => [r.company_id, r.window_ends_at.getTime()]));
  };

  const windowsOf = async (companyIds: readonly string[]): Promise<Map<string, number>> => {
    const current = await db.query<{ company_id: string; window_ends_at: Date }>(
      `SELECT company_id, window_ends_at FROM company_cooldowns WHERE company_id = ANY($1)`,
      [companyIds],
    );
    return new Map(current.rows.map((r) => [r.company_id, r.window_ends_at.getTime()]));
  };

  return {
    async claim(claims) {
      if (claims.length === 0) return [];
      assertOneClaimPerCompany(claims);
      const granted = await grant(claims);
      const refused = claims.filter((c) => !granted.has(c.companyId));
      const deferred = refused.length > 0 ? await defer(refused) : new Map<string, number>();
      const waiting = refused.filter((c) => !deferred.has(c.companyId)).map((c) => c.companyId);
      const windows = waiting.length > 0 ? await windowsOf(waiting) : new Map<string, number>();
      return claims.map((c): CooldownDecision => {
        if (granted.has(c.companyId)) return { granted: true };
        const deferUntil = deferred.get(c.companyId);
        if (deferUntil !== undefined) {
          return { granted: false, windowEndsAt: deferUntil, deferUntil };
        }
        return { granted: false, windowEndsAt: windows.get(c.companyId) ?? 0 };
      });
    },
  };
}
