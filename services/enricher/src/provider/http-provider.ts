/**
 * The HTTP adapter of the enrichment provider port. Every call goes through one cockatiel
 * pipeline (resilience.ts), outermost first:
 *
 *   retry (exponential backoff, full jitter, Retry-After)
 *     → circuit breaker (consecutive failed attempts; fails fast while open)
 *       → bulkhead (at most `concurrency` attempts in flight, the rest queue)
 *         → timeout (per attempt, reading the reply included)
 *
 * The bulkhead sits inside the retry so a call waiting out its backoff holds no slot, and the
 * timeout inside the bulkhead so time spent queueing is not held against the provider.
 *
 * With tracing on, each logical call is one client span (its attempts are events on it), the
 * child of the span of the record it is made for: the stage runtime knows the batch's record
 * spans by company (`inSpan` with the company as key). The provider is a third party, so our
 * trace context is not sent to it.
 *
 * What is sent is built in request.ts, what comes back is checked in reply.ts, failures are
 * worded in failures.ts and recorded (span, log, metrics) in telemetry.ts.
 */
import type { Logger, ProviderOperation, Registry, Span } from '@bgs/platform';
import { providerPath } from '@bgs/platform';
import { attemptFailure, scrubberFor, toProviderError } from './failures';
import { providerMetrics, type ProviderMetrics } from './metrics';
import {
  ProviderError,
  type EnrichContactsRequest,
  type EnrichmentProvider,
  type ResearchRequest,
} from './port';
import { checkedReply } from './reply';
import {
  REPLY_CONTRACTS,
  assertSendableIdempotencyKey,
  callSpec,
  requestInit,
  type CallSpec,
  type ReplyContract,
} from './request';
import {
  abortable,
  resiliencePipeline,
  type ResilienceOptions,
  type ResiliencePipeline,
} from './resilience';
import { metered, reportFailedAttempt, traced } from './telemetry';

export interface HttpProviderOptions extends ResilienceOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
}

export interface HttpProviderDeps {
  readonly logger: Logger;
  readonly registry: Registry;
}

/** What every call of one adapter shares. */
interface Adapter {
  readonly options: HttpProviderOptions;
  /** The base URL without trailing slashes. */
  readonly baseUrl: string;
  readonly scrub: (text: string) => string;
  readonly metrics: ProviderMetrics;
  readonly logger: Logger;
  readonly pipeline: ResiliencePipeline;
}

export function createHttpProvider(
  options: HttpProviderOptions,
  deps: HttpProviderDeps,
): EnrichmentProvider {
  const { logger } = deps;
  const metrics = providerMetrics(deps.registry);
  const adapter: Adapter = {
    options,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    scrub: scrubberFor(options.apiKey),
    metrics,
    logger,
    pipeline: resiliencePipeline(options, { metrics, logger }),
  };
  const call = <T>(
    operation: ProviderOperation,
    request: EnrichContactsRequest | ResearchRequest,
    contract: ReplyContract<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> =>
    traced(adapter.baseUrl, operation, request, (span) =>
      run(
        adapter,
        callSpec(operation, request, contract),
        { companyId: request.companyId, span },
        signal,
      ),
    );
  return {
    enrichContacts: (request, signal) => call('enrich', request, REPLY_CONTRACTS.enrich, signal),
    research: (request, signal) => call('research', request, REPLY_CONTRACTS.research, signal),
  };
}

/** One logical call: its attempts through the pipeline, each failed one reported on its span. */
async function run<T>(
  adapter: Adapter,
  call: CallSpec<T>,
  made: { readonly companyId: string; readonly span: Span },
  signal: AbortSignal | undefined,
): Promise<T> {
  assertSendableIdempotencyKey(call);
  const running = adapter.pipeline.execute(async ({ signal: attemptSignal, attempt: retries }) => {
    try {
      return await attempt(adapter, call, attemptSignal, signal);
    } catch (error) {
      if (error instanceof ProviderError) {
        const at = {
          operation: call.operation,
          attempt: retries + 1,
          maxAttempts: adapter.options.maxAttempts,
          idempotencyKey: call.idempotencyKey,
          companyId: made.companyId,
        };
        reportFailedAttempt(error, at, { span: made.span, logger: adapter.logger });
      }
      throw error;
    }
  }, signal);
  try {
    return await abortable(running, signal, call.operation);
  } catch (error) {
    throw toProviderError(call.operation, error, signal);
  }
}

/** One HTTP attempt, timed and counted; any failure leaves worded by `attemptFailure`. */
function attempt<T>(
  adapter: Adapter,
  call: CallSpec<T>,
  attemptSignal: AbortSignal,
  callerSignal: AbortSignal | undefined,
): Promise<T> {
  const { options, scrub } = adapter;
  return metered(adapter.metrics, call.operation, async () => {
    try {
      const signal = callerSignal ? AbortSignal.any([attemptSignal, callerSignal]) : attemptSignal;
      const response = await fetch(
        `${adapter.baseUrl}${providerPath(call.operation)}`,
        requestInit(call, options.apiKey, signal),
      );
      return await checkedReply(call, response, scrub);
    } catch (error) {
      throw attemptFailure(call.operation, error, {
        attemptSignal,
        callerSignal,
        timeoutMs: options.timeoutMs,
        scrub,
      });
    }
  });
}
