/**
 * Readiness checks: each dependency is probed at most once per TTL, a slow probe counts as a
 * failure, and the service is ready only when every probe passes.
 */
import type { Logger } from 'winston';
import { describeError } from './logger';

/** Resolves when the dependency is usable; rejects (with the reason) when it is not. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface CachedCheckOptions {
  /** How long a result is reused (default 5 s). */
  readonly ttlMs?: number;
  /** A probe slower than this fails (default 3 s); it is not started again while running. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

type Outcome = { ok: true } | { ok: false; error: unknown };

class CheckTimeoutError extends Error {
  override readonly name = 'CheckTimeoutError';
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Wraps a check so its outcome is cached for `ttlMs` and concurrent callers share one probe. */
export function cachedCheck(check: HealthCheck, options: CachedCheckOptions = {}): HealthCheck {
  const ttlMs = options.ttlMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 3_000;
  const now = options.now ?? Date.now;
  let cached: { outcome: Outcome; at: number } | undefined;
  let inFlight: Promise<Outcome> | undefined;

  const probe = (): Promise<Outcome> => {
    inFlight ??= Promise.resolve()
      .then(() => check.check())
      .then(
        (): Outcome => ({ ok: true }),
        (error: unknown): Outcome => ({ ok: false, error }),
      )
      .then((outcome) => {
        cached = { outcome, at: now() };
        inFlight = undefined;
        return outcome;
      });
    return withTimeout(inFlight, timeoutMs, () => ({
      ok: false,
      error: new CheckTimeoutError(`${check.name} did not answer within ${timeoutMs} ms`),
    }));
  };

  return {
    name: check.name,
    async check() {
      const outcome = cached && now() - cached.at < ttlMs ? cached.outcome : await probe();
      if (!outcome.ok) throw outcome.error;
    },
  };
}

export interface Readiness {
  isReady(): Promise<boolean>;
  addCheck(check: HealthCheck): void;
  /** Ready only once start-up has finished. */
  markStarted(): void;
  /** From the start of shutdown on, never ready again. */
  markDraining(): void;
}

/** Combines checks into one readiness answer and logs each change with the failing checks. */
export function createReadiness(initialChecks: readonly HealthCheck[], logger: Logger): Readiness {
  const checks = [...initialChecks];
  let started = false;
  let draining = false;
  let lastReady: boolean | undefined;
  let lastFailures = '';

  return {
    addCheck: (check) => {
      checks.push(check);
    },
    markStarted: () => {
      started = true;
    },
    markDraining: () => {
      draining = true;
    },
    async isReady() {
      if (!started || draining) return false;
      const results = await Promise.all(
        checks.map((c) =>
          c.check().then(
            () => undefined,
            (error: unknown) => ({ check: c.name, error: describeError(error) }),
          ),
        ),
      );
      const failures = results.filter((r) => r !== undefined);
      const ready = failures.length === 0;
      const failureKey = failures.map((f) => f.check).join(',');
      if (ready !== lastReady || failureKey !== lastFailures) {
        if (ready) logger.info('ready', { event: 'readiness_changed', ready });
        else logger.warn('not ready', { event: 'readiness_changed', ready, failures });
      }
      lastReady = ready;
      lastFailures = failureKey;
      return ready;
    },
  };
}
