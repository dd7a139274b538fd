/**
 * What the adapter records about its calls: each logical call as a client span, each failed
 * attempt as an event on it and a warning, and each HTTP attempt's duration and outcome.
 */
import { SpanKind, inSpan, type Logger, type ProviderOperation, type Span } from '@bgs/platform';
import { attemptOutcome } from './failures';
import type { AttemptOutcome, ProviderMetrics } from './metrics';
import type { ProviderError } from './port';
import { providerSpanAttributes } from './request';

/** One logical call in its span: the child of the company's record span in the batch. */
export function traced<T>(
  baseUrl: string,
  operation: ProviderOperation,
  request: { readonly companyId: string; readonly people: readonly unknown[] },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return inSpan(
    `provider ${operation}`,
    {
      key: request.companyId,
      kind: SpanKind.CLIENT,
      attributes: providerSpanAttributes(baseUrl, operation, request),
    },
    work,
  );
}

/** Where a failed attempt stands in its call. */
export interface AttemptContext {
  readonly operation: ProviderOperation;
  /** 1 for the first. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly idempotencyKey: string;
  readonly companyId: string;
}

/** A failed attempt: an event on the call's span and a warning in the log. */
export function reportFailedAttempt(
  error: ProviderError,
  at: AttemptContext,
  sinks: { readonly span: Span; readonly logger: Logger },
): void {
  sinks.span.addEvent('attempt failed', {
    attempt: at.attempt,
    kind: error.kind,
    ...(error.status !== undefined ? { status: error.status } : {}),
  });
  sinks.logger.warn(`provider ${at.operation} attempt failed`, {
    event: 'provider_attempt_failed',
    operation: at.operation,
    attempt: at.attempt,
    maxAttempts: at.maxAttempts,
    kind: error.kind,
    status: error.status,
    retryable: error.retryable,
    reason: error.message,
    idempotencyKey: at.idempotencyKey,
    companyId: at.companyId,
  });
}

/** Times one HTTP attempt and counts it by outcome (its failure as `attemptFailure` words it). */
export async function metered<T>(
  metrics: ProviderMetrics,
  operation: ProviderOperation,
  attempt: () => Promise<T>,
): Promise<T> {
  const endTimer = metrics.duration.startTimer({ operation });
  let outcome: AttemptOutcome = 'network';
  try {
    const reply = await attempt();
    outcome = 'ok';
    return reply;
  } catch (failure) {
    outcome = attemptOutcome(failure);
    throw failure;
  } finally {
    endTimer();
    metrics.requests.inc({ operation, outcome });
  }
}
