/**
 * The HTTP adapter of the enrichment provider port. Every call goes through one cockatiel
 * pipeline, outermost first:
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
 */
import {
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
  retry,
  timeout,
  wrap,
  type IRetryBackoffContext,
} from 'cockatiel';
import type { Logger, Registry, Span } from '@bgs/platform';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  SpanKind,
  PROVIDER_IDEMPOTENCY_KEY,
  enrichContactsReplySchema,
  inSpan,
  redactUrlCredentials,
  researchReplySchema,
  type Attributes,
  type z,
} from '@bgs/platform';
import {
  CIRCUIT_GAUGE,
  providerMetrics,
  type AttemptOutcome,
  type ProviderOperation,
} from './metrics';
import {
  ProviderError,
  type ContactInput,
  type EnrichContactsReply,
  type EnrichContactsRequest,
  type EnrichmentProvider,
  type ProviderErrorKind,
  type ResearchReply,
  type ResearchRequest,
} from './port';
import { parseRetryAfterMs } from './retry-after';

export interface HttpProviderOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeoutMs: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly concurrency: number;
  readonly breakerThreshold: number;
  readonly breakerHalfOpenMs: number;
}

export interface HttpProviderDeps {
  readonly logger: Logger;
  readonly registry: Registry;
}

const PATHS: Readonly<Record<ProviderOperation, string>> = {
  enrich: '/v1/contacts/enrich',
  research: '/v1/research',
};

/** Larger replies are refused while they stream, before they are held in memory. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;
/** How much of an error reply's body makes it into the error message. */
const ERROR_SNIPPET_BYTES = 300;
/** Calls waiting for a bulkhead slot beyond this are refused rather than queued without end. */
const MAX_QUEUED_CALLS = 10_000;

/** A failed attempt: a ProviderError that also carries the server's Retry-After, if any. */
class AttemptError extends ProviderError {
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
class CallerAbortedError extends Error {
  override readonly name = 'CallerAbortedError';
}

/** One logical call: the same body and idempotency key on every attempt. */
interface CallSpec<T> {
  readonly operation: ProviderOperation;
  readonly idempotencyKey: string;
  readonly body: string;
  readonly asked: ReadonlySet<string>;
  readonly schema: z.ZodType<T>;
  readonly peopleOf: (reply: T) => readonly { readonly personId: string }[];
}

/** What a provider call's span says about it: never the people, only how many. */
export function providerSpanAttributes(
  baseUrl: string,
  operation: ProviderOperation,
  request: { readonly companyId: string; readonly people: readonly unknown[] },
): Attributes {
  const url = new URL(baseUrl);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return {
    [ATTR_HTTP_REQUEST_METHOD]: 'POST',
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: port,
    [ATTR_URL_PATH]: `${url.pathname.replace(/\/+$/, '')}${PATHS[operation]}`,
    'bgs.provider.operation': operation,
    'bgs.company_id': request.companyId,
    'bgs.provider.people': request.people.length,
  };
}

function callSpec(
  operation: ProviderOperation,
  request: {
    readonly idempotencyKey: string;
    readonly companyId: string;
    readonly people: readonly ContactInput[];
  },
): Omit<CallSpec<never>, 'schema' | 'peopleOf'> {
  const people = request.people.map(({ personId, fullName, title, department }) => ({
    personId,
    fullName,
    title,
    department,
  }));
  return {
    operation,
    idempotencyKey: request.idempotencyKey,
    // Only the contract's fields: a caller's richer objects must not leak extra data out.
    body: JSON.stringify({ companyId: request.companyId, people }),
    asked: new Set(people.map((person) => person.personId)),
  };
}

export function createHttpProvider(
  options: HttpProviderOptions,
  deps: HttpProviderDeps,
): EnrichmentProvider {
  const { logger } = deps;
  const metrics = providerMetrics(deps.registry);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  // Error messages come from the network stack and the server; neither may echo the key.
  const scrub = (text: string): string => {
    const safe = redactUrlCredentials(text);
    return options.apiKey === '' ? safe : safe.split(options.apiKey).join('[redacted]');
  };

  const isProviderFailure = (error: Error): boolean =>
    error instanceof ProviderError && error.retryable;

  const retryPolicy = retry(handleWhen(isProviderFailure), {
    maxAttempts: Math.max(0, options.maxAttempts - 1), // cockatiel counts retries, not attempts
    backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
      const failure = 'error' in context.result ? context.result.error : undefined;
      if (failure instanceof AttemptError && failure.retryAfterMs !== undefined) {
        return Math.min(failure.retryAfterMs, options.backoffMaxMs);
      }
      // Full jitter (AWS architecture blog): uniform in [0, min(cap, base · 2^(n-1))).
      const ceiling = Math.min(
        options.backoffMaxMs,
        options.backoffBaseMs * 2 ** (context.attempt - 1),
      );
      return Math.floor(Math.random() * ceiling);
    }),
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

  metrics.circuitState.set(CIRCUIT_GAUGE.closed);
  breaker.onStateChange((state) => {
    const gauge =
      state === CircuitState.Closed
        ? CIRCUIT_GAUGE.closed
        : state === CircuitState.HalfOpen
          ? CIRCUIT_GAUGE.halfOpen
          : CIRCUIT_GAUGE.open;
    metrics.circuitState.set(gauge);
    const name = CircuitState[state];
    if (state === CircuitState.Closed) {
      logger.info('provider circuit closed', { event: 'provider_circuit', state: name });
    } else {
      logger.warn(`provider circuit ${name.toLowerCase()}`, {
        event: 'provider_circuit',
        state: name,
      });
    }
  });

  /** One HTTP attempt: status, size, JSON and shape are all checked before it counts as ok. */
  async function attempt<T extends object>(
    call: CallSpec<T>,
    attemptSignal: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): Promise<T> {
    const { operation } = call;
    const endTimer = metrics.duration.startTimer({ operation });
    let outcome: AttemptOutcome = 'network';
    try {
      const response = await fetch(`${baseUrl}${PATHS[operation]}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          'idempotency-key': call.idempotencyKey,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: call.body,
        // A redirect would be a misconfiguration; following it could carry the key elsewhere.
        redirect: 'manual',
        signal: callerSignal ? AbortSignal.any([attemptSignal, callerSignal]) : attemptSignal,
      });
      if (!response.ok) {
        const snippet = await readBody(response, ERROR_SNIPPET_BYTES, 'truncate');
        throw statusError(operation, response, scrub(snippet));
      }
      const text = await readBody(response, MAX_REPLY_BYTES, 'refuse');
      const reply = parseReply(operation, text, call.schema);
      assertOnlyAskedPeople(operation, call.peopleOf(reply), call.asked);
      outcome = 'ok';
      return reply;
    } catch (error) {
      const failure = classify(operation, error, attemptSignal, callerSignal);
      // A call abandoned by its caller is counted as a timeout: no reply was waited for.
      outcome =
        failure instanceof ProviderError && failure.kind !== 'circuit_open'
          ? failure.kind
          : 'timeout';
      throw failure;
    } finally {
      endTimer();
      metrics.requests.inc({ operation, outcome });
    }
  }

  function classify(
    operation: ProviderOperation,
    error: unknown,
    attemptSignal: AbortSignal,
    callerSignal: AbortSignal | undefined,
  ): Error {
    if (error instanceof ProviderError) return error;
    if (callerSignal?.aborted) return new CallerAbortedError(`${operation} call aborted`);
    if (attemptSignal.aborted) {
      return new AttemptError(
        `provider ${operation} call timed out after ${options.timeoutMs} ms`,
        'timeout',
        true,
      );
    }
    return new AttemptError(
      `provider ${operation} call failed: ${scrub(describeNetworkError(error))}`,
      'network',
      true,
    );
  }

  function statusError(
    operation: ProviderOperation,
    response: Response,
    snippet: string,
  ): AttemptError {
    const { status } = response;
    const retryAfterMs = parseRetryAfterMs(response.headers.get('retry-after'), Date.now());
    const detail = snippet.trim() === '' ? '' : `: ${snippet.trim()}`;
    const message = `provider ${operation} call answered ${status}${detail}`;
    if (status === 429) {
      return new AttemptError(message, 'rate_limited', true, status, retryAfterMs);
    }
    if (status === 408) {
      return new AttemptError(message, 'timeout', true, status, retryAfterMs);
    }
    if (status >= 500) {
      return new AttemptError(message, 'server_error', true, status, retryAfterMs);
    }
    // 4xx (and any redirect): our request is wrong; sending it again cannot help.
    return new AttemptError(message, 'rejected', false, status);
  }

  /** One logical call in its span: the child of the company's record span in the batch. */
  function traced<T>(
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

  async function run<T extends object>(
    call: CallSpec<T>,
    companyId: string,
    signal: AbortSignal | undefined,
    span: Span,
  ): Promise<T> {
    const { operation } = call;
    // fetch would refuse such a header on every attempt; that is our bug, not the provider's.
    if (!PROVIDER_IDEMPOTENCY_KEY.test(call.idempotencyKey)) {
      throw new ProviderError(
        `idempotency key for the ${operation} call must be 1 to 255 visible ASCII characters`,
        'rejected',
        false,
      );
    }
    const running = pipeline.execute(async ({ signal: attemptSignal, attempt: retries }) => {
      try {
        return await attempt(call, attemptSignal, signal);
      } catch (error) {
        if (error instanceof ProviderError) {
          span.addEvent('attempt failed', {
            attempt: retries + 1,
            kind: error.kind,
            ...(error.status !== undefined ? { status: error.status } : {}),
          });
          logger.warn(`provider ${operation} attempt failed`, {
            event: 'provider_attempt_failed',
            operation,
            attempt: retries + 1,
            maxAttempts: options.maxAttempts,
            kind: error.kind,
            status: error.status,
            retryable: error.retryable,
            reason: error.message,
            idempotencyKey: call.idempotencyKey,
            companyId,
          });
        }
        throw error;
      }
    }, signal);
    try {
      return await abortable(running, signal, operation);
    } catch (error) {
      throw toProviderError(operation, error, signal);
    }
  }

  return {
    enrichContacts: (request: EnrichContactsRequest, signal?: AbortSignal) =>
      traced('enrich', request, (span) =>
        run<EnrichContactsReply>(
          {
            ...callSpec('enrich', request),
            schema: enrichContactsReplySchema,
            peopleOf: (reply) => reply.contacts,
          },
          request.companyId,
          signal,
          span,
        ),
      ),
    research: (request: ResearchRequest, signal?: AbortSignal) =>
      traced('research', request, (span) =>
        run<ResearchReply>(
          {
            ...callSpec('research', request),
            schema: researchReplySchema,
            peopleOf: (reply) => reply.insights,
          },
          request.companyId,
          signal,
          span,
        ),
      ),
  };
}

/** Every error leaving the adapter is a ProviderError (programming errors excepted). */
function toProviderError(
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

/** A reply about people we did not send means the provider mixed up calls. */
function assertOnlyAskedPeople(
  operation: ProviderOperation,
  people: readonly { readonly personId: string }[],
  asked: ReadonlySet<string>,
): void {
  if (people.some((person) => !asked.has(person.personId))) {
    throw new AttemptError(
      `provider ${operation} reply names a person that was not asked about`,
      'malformed_reply',
      true,
      200,
    );
  }
}

function parseReply<T>(operation: ProviderOperation, text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AttemptError(`provider ${operation} reply is not JSON`, 'malformed_reply', true, 200);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new AttemptError(
      `provider ${operation} reply does not match the contract at ${where}: ${issue?.message ?? 'invalid'}`,
      'malformed_reply',
      true,
      200,
    );
  }
  return parsed.data;
}

/**
 * Reads a reply body as UTF-8 up to `limit` bytes. `truncate` keeps the first bytes (error
 * snippets); `refuse` fails the attempt as malformed (a reply that large is not ours).
 */
async function readBody(
  response: Response,
  limit: number,
  mode: 'truncate' | 'refuse',
): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        if (mode === 'refuse') {
          throw new AttemptError(
            `provider reply exceeds ${limit} bytes`,
            'malformed_reply',
            true,
            response.status,
          );
        }
        chunks.push(value.subarray(0, value.byteLength - (size - limit)));
        break;
      }
      chunks.push(value);
    }
  } finally {
    // Releases the connection when we stop early; a no-op once the stream is done.
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeNetworkError(error: unknown): string {
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

/** Rejects as soon as the caller aborts, even while the retry policy is sleeping. */
function abortable<T>(
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
