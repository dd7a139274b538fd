import { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError } from 'cockatiel';
import {
  AttemptError,
  CallerAbortedError,
  attemptFailure,
  attemptOutcome,
  describeNetworkError,
  isProviderFailure,
  scrubberFor,
  statusError,
  statusFailure,
  toProviderError,
} from './failures';
import { ProviderError } from './port';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('statusFailure', () => {
  it.each([
    [429, 'rate_limited', true],
    [408, 'timeout', true],
    [500, 'server_error', true],
    [503, 'server_error', true],
    [400, 'rejected', false],
    [401, 'rejected', false],
    [422, 'rejected', false],
    [302, 'rejected', false],
  ])('%i is %s (retryable: %s)', (status, kind, retryable) => {
    expect(statusFailure(status)).toEqual({ kind, retryable });
  });
});

describe('statusError', () => {
  it("carries the server's Retry-After on a retryable status", () => {
    const error = statusError('enrich', { status: 429, retryAfter: '2', snippet: '' }, NOW);
    expect(error).toBeInstanceOf(AttemptError);
    expect(error).toMatchObject({ kind: 'rate_limited', retryable: true, status: 429 });
    expect(error.retryAfterMs).toBe(2_000);
    expect(error.message).toBe('provider enrich call answered 429');
  });

  it('ignores Retry-After on a rejection, and quotes the trimmed body', () => {
    const error = statusError(
      'research',
      { status: 400, retryAfter: '2', snippet: '  {"error":"bad"}\n' },
      NOW,
    );
    expect(error).toMatchObject({ kind: 'rejected', retryable: false, status: 400 });
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toBe('provider research call answered 400: {"error":"bad"}');
  });

  it('reads an HTTP-date Retry-After against the given clock', () => {
    const at = new Date(NOW + 5_000).toUTCString();
    const error = statusError('enrich', { status: 503, retryAfter: at, snippet: '' }, NOW);
    expect(error.retryAfterMs).toBe(5_000);
  });
});

describe('attemptFailure', () => {
  const context = (aborted: { attempt?: boolean; caller?: boolean } = {}) => {
    const attempt = new AbortController();
    const caller = new AbortController();
    if (aborted.attempt) attempt.abort();
    if (aborted.caller) caller.abort();
    return {
      attemptSignal: attempt.signal,
      callerSignal: caller.signal,
      timeoutMs: 250,
      scrub: scrubberFor('sk-secret'),
    };
  };

  it('keeps a ProviderError the attempt raised itself', () => {
    const own = new ProviderError('bad', 'malformed_reply', true);
    expect(attemptFailure('enrich', own, context({ attempt: true }))).toBe(own);
  });

  it("words the caller's abort first, as neither timeout nor provider failure", () => {
    const failure = attemptFailure(
      'enrich',
      new Error('x'),
      context({ attempt: true, caller: true }),
    );
    expect(failure).toBeInstanceOf(CallerAbortedError);
    expect(isProviderFailure(failure)).toBe(false);
  });

  it('words a fired attempt signal as a retryable timeout', () => {
    const failure = attemptFailure('research', new Error('aborted'), context({ attempt: true }));
    expect(failure).toMatchObject({ kind: 'timeout', retryable: true });
    expect(failure.message).toBe('provider research call timed out after 250 ms');
  });

  it('words anything else as a retryable network error, without the key', () => {
    const error = new TypeError('fetch failed', {
      cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED sk-secret' },
    });
    const failure = attemptFailure('enrich', error, context());
    expect(failure).toMatchObject({ kind: 'network', retryable: true });
    expect(failure.message).toBe('provider enrich call failed: connect ECONNREFUSED [redacted]');
  });
});

describe('attemptOutcome', () => {
  it("counts a provider failure by its kind, anything else (the caller's abort) as a timeout", () => {
    expect(attemptOutcome(new ProviderError('x', 'server_error', true))).toBe('server_error');
    expect(attemptOutcome(new ProviderError('x', 'rejected', false))).toBe('rejected');
    expect(attemptOutcome(new ProviderError('x', 'circuit_open', true))).toBe('timeout');
    expect(attemptOutcome(new CallerAbortedError('gone'))).toBe('timeout');
  });
});

describe('isProviderFailure', () => {
  it('is only a retryable ProviderError', () => {
    expect(isProviderFailure(new ProviderError('x', 'server_error', true))).toBe(true);
    expect(isProviderFailure(new ProviderError('x', 'rejected', false))).toBe(false);
    expect(isProviderFailure(new Error('bug'))).toBe(false);
  });
});

describe('toProviderError', () => {
  const aborted = (): AbortSignal => {
    const controller = new AbortController();
    controller.abort();
    return controller.signal;
  };

  it('passes a ProviderError and a programming error through', () => {
    const own = new ProviderError('x', 'rejected', false);
    const bug = new RangeError('bug');
    expect(toProviderError('enrich', own, undefined)).toBe(own);
    expect(toProviderError('enrich', bug, undefined)).toBe(bug);
  });

  it('words an open circuit and a full queue as retryable, not attempted', () => {
    expect(toProviderError('enrich', new BrokenCircuitError(), undefined)).toMatchObject({
      kind: 'circuit_open',
      retryable: true,
      message: 'provider circuit is open; enrich call not attempted',
    });
    expect(toProviderError('research', new BulkheadRejectedError(1, 1), undefined)).toMatchObject({
      kind: 'rate_limited',
      retryable: true,
    });
  });

  it("words the caller's abort as a retryable timeout", () => {
    const expected = {
      kind: 'timeout',
      retryable: true,
      message: 'provider enrich call aborted by the caller',
    };
    expect(toProviderError('enrich', new CallerAbortedError('x'), undefined)).toMatchObject(
      expected,
    );
    expect(toProviderError('enrich', new TaskCancelledError(), aborted())).toMatchObject(expected);
    // a cancellation the caller did not ask for is not theirs
    expect(toProviderError('enrich', new TaskCancelledError(), undefined)).toBeInstanceOf(
      TaskCancelledError,
    );
  });
});

describe('scrubberFor', () => {
  it('redacts the key and URL credentials', () => {
    const scrub = scrubberFor('sk-1');
    expect(scrub('got Bearer sk-1 from http://user:pw@host/x')).not.toMatch(/sk-1|pw@/);
    expect(scrub('got Bearer sk-1')).toBe('got Bearer [redacted]');
  });

  it('redacts nothing more when there is no key', () => {
    expect(scrubberFor('')('plain text')).toBe('plain text');
  });
});

describe('describeNetworkError', () => {
  it("prefers undici's cause, with its code", () => {
    expect(
      describeNetworkError({
        message: 'fetch failed',
        cause: { code: 'ECONNRESET', message: 'socket hang up' },
      }),
    ).toBe('ECONNRESET: socket hang up');
    expect(
      describeNetworkError({
        message: 'fetch failed',
        cause: { code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' },
      }),
    ).toBe('getaddrinfo ENOTFOUND x');
    expect(describeNetworkError({ message: 'fetch failed', cause: { message: 'other' } })).toBe(
      'other',
    );
  });

  it('falls back to the message, or the value itself', () => {
    expect(describeNetworkError(new Error('boom'))).toBe('boom');
    expect(describeNetworkError('text')).toBe('text');
  });
});
