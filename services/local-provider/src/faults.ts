/**
 * Injected faults, for tests and demos: latency on every API request, the next N requests
 * failing, a seeded (so repeatable) failure rate, and the next N replies malformed.
 */
import { seededRandom, z } from '@bgs/platform';

export const faultPatchSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  failNext: z
    .strictObject({
      count: z.number().int().min(0).max(1_000_000),
      status: z.union([z.literal(429), z.literal(500), z.literal(502), z.literal(503)]),
      retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
    })
    .optional(),
  malformedNext: z.number().int().min(0).max(1_000_000).optional(),
  failRate: z.number().min(0).max(1).optional(),
  failStatus: z.number().int().min(400).max(599).optional(),
  /** Seed of the failRate sequence (default 1): the same seed fails the same requests. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
});

export type FaultPatch = z.output<typeof faultPatchSchema>;

export interface FaultSettings {
  readonly latencyMs: number;
  readonly failNext: {
    readonly count: number;
    readonly status: 429 | 500 | 502 | 503;
    readonly retryAfterSeconds?: number;
  } | null;
  readonly malformedNext: number;
  readonly failRate: number;
  readonly failStatus: number;
  readonly seed: number;
}

export type FaultDecision =
  | { readonly kind: 'fail'; readonly status: number; readonly retryAfterSeconds?: number }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'none' };

export const NO_FAULTS: FaultSettings = {
  latencyMs: 0,
  failNext: null,
  malformedNext: 0,
  failRate: 0,
  failStatus: 503,
  seed: 1,
};

export class FaultInjector {
  private current: FaultSettings;
  private random: () => number;

  constructor(initial: Partial<FaultSettings> = {}) {
    this.current = { ...NO_FAULTS, ...initial };
    this.random = seededRandom(this.current.seed);
  }

  settings(): FaultSettings {
    return this.current;
  }

  /** Changes only what the patch names; setting failRate or seed restarts the sequence. */
  update(patch: FaultPatch): FaultSettings {
    const { failNext, ...rest } = patch;
    this.current = {
      ...this.current,
      ...rest,
      ...(failNext !== undefined ? { failNext: failNext.count > 0 ? failNext : null } : {}),
    };
    if (patch.failRate !== undefined || patch.seed !== undefined) {
      this.random = seededRandom(this.current.seed);
    }
    return this.current;
  }

  /** No faults at all (start-up defaults from the environment are not restored). */
  reset(): FaultSettings {
    this.current = NO_FAULTS;
    this.random = seededRandom(NO_FAULTS.seed);
    return this.current;
  }

  /** Decides the fate of one API request and uses up the counters it consumes. */
  next(): FaultDecision {
    const { failNext, failRate, failStatus, malformedNext } = this.current;
    if (failNext && failNext.count > 0) {
      const count = failNext.count - 1;
      this.current = { ...this.current, failNext: count > 0 ? { ...failNext, count } : null };
      return {
        kind: 'fail',
        status: failNext.status,
        ...(failNext.retryAfterSeconds !== undefined
          ? { retryAfterSeconds: failNext.retryAfterSeconds }
          : {}),
      };
    }
    if (failRate > 0 && this.random() < failRate) return { kind: 'fail', status: failStatus };
    if (malformedNext > 0) {
      this.current = { ...this.current, malformedNext: malformedNext - 1 };
      return { kind: 'malformed' };
    }
    return { kind: 'none' };
  }
}
