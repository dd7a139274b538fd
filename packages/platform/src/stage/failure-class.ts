/**
 * What kind of failure an error is, which decides where its record goes (`routeFailure`):
 *
 * - `poison`: the input can never be processed (undecodable while the registry answers, invalid
 *   against its schema): dead-lettered at once;
 * - `permanent`: a dependency answered that this record is wrong (a provider's 4xx other than
 *   408/429): dead-lettered at once, since asking again gets the same answer;
 * - `transient`: a dependency did not answer (Kafka, the registry, Postgres, the provider's 5xx,
 *   408, 429, timeouts): retried through the tiers and then held, never dead-lettered, however
 *   long the outage lasts;
 * - `failed`: anything else (a bug, a company not replicated yet): retried through the tiers,
 *   then dead-lettered with its reason.
 */
export type FailureClass = 'poison' | 'permanent' | 'transient' | 'failed';

/** A service's own errors (its provider's, say); `undefined` leaves the error to the defaults. */
export type FailureClassifier = (error: unknown) => FailureClass | undefined;

/**
 * Input that can never succeed as it is (undecodable, invalid): it goes to the dead-letter
 * topic at once instead of cycling through the retry tiers.
 */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

/** A dependency answered that this record is wrong: asking again gets the same answer. */
export class PermanentFailureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentFailureError';
  }
}

/** A dependency (named) did not answer: the record is fine, and is retried until it does. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable: ${message}`, options);
    this.name = 'DependencyUnavailableError';
  }
}

/** Socket-level failures: the peer is down, restarting or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * Postgres SQLSTATEs that say the server, not the statement, is the problem: class 08
 * (connection exception), shutting down or starting up, too many connections; and the two
 * conflicts a retry resolves (serialization failure, deadlock).
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

/** node-postgres reports a lost or unobtainable connection with these messages and no code. */
const PG_CONNECTION_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Connection ended unexpectedly',
];

/** kafkajs errors that mean the cluster is unreachable or busy, not that the request is wrong. */
const KAFKA_TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSNoBrokerAvailableError',
]);

/**
 * TypeORM's word for a transaction whose connection died under it (the sink saves through
 * TypeORM): it carries neither a SQLSTATE nor a socket code.
 */
const LOST_CONNECTION_NAMES = new Set(['QueryRunnerProviderAlreadyReleasedError']);

interface ErrorFields {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly retriable?: unknown;
}

/** One error (not its causes) says a dependency did not answer. */
export function isUnavailability(error: unknown): boolean {
  if (error instanceof DependencyUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message, retriable } = error as ErrorFields;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || TRANSIENT_SQLSTATES.has(code)) return true;
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (typeof name === 'string') {
    // AbortSignal.timeout() firing on a fetch
    if (name === 'TimeoutError') return true;
    if (LOST_CONNECTION_NAMES.has(name)) return true;
    if (KAFKA_TRANSIENT_NAMES.has(name)) return true;
    if (name.startsWith('KafkaJS') && retriable === true) return true;
  }
  return (
    typeof message === 'string' && PG_CONNECTION_MESSAGES.some((text) => message.includes(text))
  );
}

/** The error and what it wraps: `cause`, TypeORM's `driverError`, an AggregateError's errors. */
export function errorChain(error: unknown, limit = 8): unknown[] {
  const chain: unknown[] = [];
  const queue: unknown[] = [error];
  while (queue.length > 0 && chain.length < limit) {
    const next = queue.shift();
    if (next === undefined || next === null || chain.includes(next)) continue;
    chain.push(next);
    if (typeof next !== 'object') continue;
    const { cause, driverError, errors } = next as {
      cause?: unknown;
      driverError?: unknown;
      errors?: unknown;
    };
    queue.push(cause, driverError);
    if (Array.isArray(errors)) queue.push(...(errors as unknown[]));
  }
  return chain;
}

/**
 * The class of a failure: poison if the error says so; then the service's classifier, outermost
 * error first; then an unavailable dependency anywhere in the chain; otherwise `failed`.
 */
export function classifyFailure(error: unknown, classify?: FailureClassifier): FailureClass {
  if (error instanceof PoisonMessageError) return 'poison';
  if (error instanceof PermanentFailureError) return 'permanent';
  const chain = errorChain(error);
  for (const link of chain) {
    const own = classify?.(link);
    if (own !== undefined) return own;
  }
  return chain.some(isUnavailability) ? 'transient' : 'failed';
}
