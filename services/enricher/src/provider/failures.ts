/**
 * How the adapter words what went wrong: which failures are worth another attempt, what an
 * HTTP status means, what each attempt counts as, and the one error type that leaves the
 * adapter. Pure.
 */
import { BulkheadRejectedError, TaskCancelledError, isBrokenCircuitError } from 'cockatiel';
import { redactUrlCredentials, type ProviderOperation } from '@bgs/platform';
import type { AttemptOutcome } from './metrics';
import { ProviderError, type ProviderErrorKind } from './port';
import { parseRetryAfterMs } from './retry-after';

/** A failed attempt: a ProviderError that also carries the server's Retry-After, if any. */
export class AttemptError extends ProviderError {
  constructor(
    message: string,
    kind: ProviderErrorKind,
    retryable: boolean,
    status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message, kind, retryable, status);
  }
}

/** The caller's signal fired: neither a provider failure (breaker) nor worth a retry. */
export class CallerAbortedError extends Error {
  override readonly name = 'CallerAbortedError';
}

/** What the retry policy and the circuit breaker count: a failure another attempt may cure. */
export const isProviderFailure = (error: Error): boolean =>
  error instanceof ProviderError && error.retryable;

/** Error messages come from the network stack and the server; neither may echo the key. */
export function scrubberFor(apiKey: string): (text: string) => string {
  return (text) => {
    const safe = redactUrlCredentials(text);
    return apiKey === '' ? safe : safe.split(apiKey).join('[redacted]');
  };
}

/** What an HTTP status other than 2xx says about the call. */
export function statusFailure(status: number): {
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
} {
  if (status === 429) return { kind: 'rate_limited', retryable: true };
  if (status === 408) return { kind: 'timeout', retryable: true };
  if (status >= 500) return { kind: 'server_error', retryable: true };
  // 4xx (and any redirect): our request is wrong; sending it again cannot help.
  return { kind: 'rejected', retryable: false };
}

/** A reply that is not 2xx, with its (scrubbed) body's start and, if retryable, Retry-After. */
export function statusError(
  operation: ProviderOperation,
  reply: { readonly status: number; readonly retryAfter: string | null; readonly snippet: string },
  nowMs: number,
): AttemptError {
  const { status } = reply;
  const { kind, retryable } = statusFailure(status);
  const detail = reply.snippet.trim() === '' ? '' : `: ${reply.snippet.trim()}`;
  const message = `provider ${operation} call answered ${status}${detail}`;
  const retryAfterMs = retryable ? parseRetryAfterMs(reply.retryAfter, nowMs) : undefined;
  return new AttemptError(message, kind, retryable, status, retryAfterMs);
}

/** What a failed attempt was: its own ProviderError, the caller's abort, a timeout or the network. */
export function attemptFailure(
  operation: ProviderOperation,
  error: unknown,
  context: {
    readonly attemptSignal: AbortSignal;
    readonly callerSignal: AbortSignal | undefined;
    readonly timeoutMs: number;
    readonly scrub: (text: string) => string;
  },
): Error {
  if (error instanceof ProviderError) return error;
  if (context.callerSignal?.aborted) return new CallerAbortedError(`${operation} call aborted`);
  if (context.attemptSignal.aborted) {
    return new AttemptError(
      `provider ${operation} call timed out after ${context.timeoutMs} ms`,
      'timeout',
      true,
    );
  }
  return new AttemptError(
    `provider ${operation} call failed: ${context.scrub(describeNetworkError(error))}`,
    'network',
    true,
  );
}

/** The `outcome` label of a failed attempt (as `attemptFailure` words it). */
export function attemptOutcome(failure: unknown): Exclude<AttemptOutcome, 'ok'> {
  // A call abandoned by its caller is counted as a timeout: no reply was waited for.
  return failure instanceof ProviderError && failure.kind !== 'circuit_open'
    ? failure.kind
    : 'timeout';
}

/** Every error leaving the adapter is a ProviderError (programming errors excepted). */
export function toProviderError(
  operation: ProviderOperation,
  error: unknown,
  signal: AbortSignal | undefined,
): unknown {
  if (error instanceof ProviderError) return error;
  if (isBrokenCircuitError(error)) {
    return new ProviderError(
      `provider circuit is open; ${operation} call not attempted`,
      'circuit_open',
      true,
    );
  }
  if (error instanceof BulkheadRejectedError) {
    return new ProviderError(
      `too many provider calls waiting; ${operation} call not attempted`,
      'rate_limited',
      true,
    );
  }
  if (
    error instanceof CallerAbortedError ||
    (error instanceof TaskCancelledError && signal?.aborted)
  ) {
    // Work not done is worth doing later (e.g. after a restart): retryable.
    return new ProviderError(`provider ${operation} call aborted by the caller`, 'timeout', true);
  }
  return error;
}

export function describeNetworkError(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (jest), where instanceof fails.
  const { message, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
    message?: unknown;
    cause?: unknown;
  };
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED …) in `cause`.
  if (typeof cause === 'object' && cause !== null) {
    const { code, message: causeMessage } = cause as { code?: unknown; message?: unknown };
    const detail = typeof causeMessage === 'string' ? causeMessage : '';
    if (typeof code === 'string') return detail.includes(code) ? detail : `${code}: ${detail}`;
    if (detail !== '') return detail;
  }
  return typeof message === 'string' ? message : String(error);
}
