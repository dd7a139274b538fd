/**
 * The cockatiel pipeline every provider call goes through, outermost first: retry → circuit
 * breaker → bulkhead → timeout (why in that order: http-provider.ts), with the breaker's state
 * as a gauge and a log line. The backoff and the gauge are decisions of their own, below.
 */
import {
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { Logger, ProviderOperation } from '@bgs/platform';
import { AttemptError, CallerAbortedError, isProviderFailure } from './failures';
import { CIRCUIT_GAUGE, type ProviderMetrics } from './metrics';

export interface ResilienceOptions {
  readonly timeoutMs: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly concurrency: number;
  readonly breakerThreshold: number;
  readonly breakerHalfOpenMs: number;
}

/** Calls waiting for a bulkhead slot beyond this are refused rather than queued without end. */
const MAX_QUEUED_CALLS = 10_000;

/**
 * How long to wait before retry number `attempt` (1 for the first): the server's Retry-After
 * when the failure carries one, else full jitter; never beyond `backoffMaxMs`.
 */
export function backoffDelayMs(
  failure: unknown,
  attempt: number,
  options: Pick<ResilienceOptions, 'backoffBaseMs' | 'backoffMaxMs'>,
  random: () => number = Math.random,
): number {
  if (failure instanceof AttemptError && failure.retryAfterMs !== undefined) {
    return Math.min(failure.retryAfterMs, options.backoffMaxMs);
  }
  // Full jitter (AWS architecture blog): uniform in [0, min(cap, base · 2^(n-1))).
  const ceiling = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** The breaker's state as `bgs_provider_circuit_state` reads it. */
export function circuitGauge(state: CircuitState): number {
  if (state === CircuitState.Closed) return CIRCUIT_GAUGE.closed;
  if (state === CircuitState.HalfOpen) return CIRCUIT_GAUGE.halfOpen;
  return CIRCUIT_GAUGE.open;
}

function reportCircuitState(state: CircuitState, metrics: ProviderMetrics, logger: Logger): void {
  metrics.circuitState.set(circuitGauge(state));
  const name = CircuitState[state];
  if (state === CircuitState.Closed) {
    logger.info('provider circuit closed', { event: 'provider_circuit', state: name });
  } else {
    logger.warn(`provider circuit ${name.toLowerCase()}`, {
      event: 'provider_circuit',
      state: name,
    });
  }
}

/** The pipeline of one adapter; its breaker starts closed and reports every change. */
export function resiliencePipeline(
  options: ResilienceOptions,
  deps: { readonly metrics: ProviderMetrics; readonly logger: Logger },
) {
  const retryPolicy = retry(handleWhen(isProviderFailure), {
    maxAttempts: Math.max(0, options.maxAttempts - 1), // cockatiel counts retries, not attempts
    backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) =>
      backoffDelayMs(
        'error' in context.result ? context.result.error : undefined,
        context.attempt,
        options,
      ),
    ),
  });
  const breaker = circuitBreaker(handleWhen(isProviderFailure), {
    halfOpenAfter: options.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  const pipeline = wrap(
    retryPolicy,
    breaker,
    bulkhead(options.concurrency, MAX_QUEUED_CALLS),
    timeout(options.timeoutMs, TimeoutStrategy.Cooperative),
  );
  deps.metrics.circuitState.set(CIRCUIT_GAUGE.closed);
  breaker.onStateChange((state) => reportCircuitState(state, deps.metrics, deps.logger));
  return pipeline;
}

export type ResiliencePipeline = ReturnType<typeof resiliencePipeline>;

/** Rejects as soon as the caller aborts, even while the retry policy is sleeping. */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  operation: ProviderOperation,
): Promise<T> {
  if (!signal) return promise;
  // The pipeline still settles later (its next attempt sees the aborted signal); never unhandled.
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(new CallerAbortedError(`${operation} call aborted`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CallerAbortedError(`${operation} call aborted`));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
