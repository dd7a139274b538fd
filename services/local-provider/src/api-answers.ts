/**
 * What the provider API answers, decided without I/O: each answer's status, body, headers and
 * metric outcome, and whether the ledger has already logged it.
 */
import type { z } from '@bgs/platform';
import { describeIssue } from './contract';
import { STORE_UNAVAILABLE } from './errors';
import type { FaultDecision } from './faults';
import { KEY_REUSED_STATUS, REPLY_STATUS, type LedgerOutcome } from './ledger';
import type { ApiOutcome } from './metrics';

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly metric: ApiOutcome;
  /** An injected fault: logged as `fault`, whatever its status. */
  readonly injected?: boolean;
  /** Nothing left to log: the ledger wrote the row with its claim, or the store is down. */
  readonly logged?: boolean;
}

/** The body a `malformedNext` fault sends: valid JSON, but not the contract's shape. */
export const MALFORMED_BODY = { unexpected: true, note: 'fault injected: malformed reply' };

/** The request log cannot be written: nothing billed or kept, so the caller retries. */
export const UNAVAILABLE_ANSWER: Answer = {
  status: STORE_UNAVAILABLE.status,
  body: STORE_UNAVAILABLE.body,
  headers: { 'retry-after': String(STORE_UNAVAILABLE.retryAfterSeconds) },
  metric: 'unavailable',
  logged: true,
};

export const UNAUTHORIZED_ANSWER: Answer = {
  status: 401,
  headers: { 'www-authenticate': 'Bearer' },
  body: { error: 'unauthorized', reason: 'authorization header: expected Bearer <api key>' },
  metric: 'unauthorized',
};

export const MISSING_KEY_ANSWER: Answer = {
  status: 400,
  body: {
    error: 'invalid_request',
    reason: 'idempotency-key header: required, 1 to 255 visible ASCII characters',
  },
  metric: 'invalid',
};

/** Injected latency cut short by shutdown. */
export const SHUTTING_DOWN_ANSWER: Answer = {
  status: 503,
  body: { error: 'shutting_down' },
  metric: 'error',
};

/** The directory (Postgres) failing: a 5xx, so callers retry with the same key. */
export const INTERNAL_ERROR_ANSWER: Answer = {
  status: 500,
  body: { error: 'internal_error' },
  metric: 'error',
};

/** A body that is not a valid request, named by its first issue. */
export function invalidBodyAnswer(issue: z.core.$ZodIssue | undefined): Answer {
  return {
    status: 400,
    body: { error: 'invalid_request', reason: issue ? describeIssue(issue) : 'body: invalid' },
    metric: 'invalid',
  };
}

/** The answer an injected fault sends instead of the reply; undefined when there is none. */
export function faultAnswer(fault: FaultDecision): Answer | undefined {
  if (fault.kind === 'fail') {
    return {
      status: fault.status,
      body: { error: 'injected_fault', status: fault.status },
      ...(fault.retryAfterSeconds !== undefined
        ? { headers: { 'retry-after': String(fault.retryAfterSeconds) } }
        : {}),
      metric: 'injected_failure',
      injected: true,
    };
  }
  if (fault.kind === 'malformed') {
    return { status: 200, body: MALFORMED_BODY, metric: 'injected_malformed', injected: true };
  }
  return undefined;
}

/** The answer to what the ledger made of a paid call; it logged the row with its claim. */
export function ledgerAnswer(outcome: LedgerOutcome): Answer {
  if (outcome.kind === 'conflict') {
    return {
      status: KEY_REUSED_STATUS,
      body: {
        error: 'idempotency_key_reused',
        reason: `idempotency-key header: already used for a different ${outcome.operation} request`,
      },
      metric: 'conflict',
      logged: true,
    };
  }
  const replayed = outcome.kind === 'replayed';
  return {
    status: REPLY_STATUS,
    body: outcome.reply,
    headers: { 'idempotent-replayed': String(replayed) },
    metric: replayed ? 'replayed' : 'ok',
    logged: true,
  };
}
