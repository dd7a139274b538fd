import { CircuitState } from 'cockatiel';
import { AttemptError, CallerAbortedError } from './failures';
import { CIRCUIT_GAUGE } from './metrics';
import { abortable, backoffDelayMs, circuitGauge } from './resilience';

describe('backoffDelayMs', () => {
  const options = { backoffBaseMs: 100, backoffMaxMs: 1_000 };
  const retryAfter = (ms: number | undefined) =>
    new AttemptError('x', 'rate_limited', true, 429, ms);

  it("waits as long as the server's Retry-After says, capped at backoffMaxMs", () => {
    expect(backoffDelayMs(retryAfter(250), 1, options, () => 0.99)).toBe(250);
    expect(backoffDelayMs(retryAfter(0), 3, options, () => 0.99)).toBe(0);
    expect(backoffDelayMs(retryAfter(3_600_000), 1, options)).toBe(1_000);
  });

  it('uses full jitter below base · 2^(n-1), capped, without a Retry-After', () => {
    expect(backoffDelayMs(retryAfter(undefined), 1, options, () => 0.5)).toBe(50);
    expect(backoffDelayMs(new Error('timeout'), 3, options, () => 0.5)).toBe(200);
    expect(backoffDelayMs(undefined, 10, options, () => 0.999)).toBe(999);
    expect(backoffDelayMs(undefined, 2, options, () => 0)).toBe(0);
  });
});

describe('circuitGauge', () => {
  it.each([
    [CircuitState.Closed, CIRCUIT_GAUGE.closed],
    [CircuitState.HalfOpen, CIRCUIT_GAUGE.halfOpen],
    [CircuitState.Open, CIRCUIT_GAUGE.open],
    [CircuitState.Isolated, CIRCUIT_GAUGE.open],
  ])('reads state %s as %i', (state, gauge) => {
    expect(circuitGauge(state)).toBe(gauge);
  });
});

describe('abortable', () => {
  it('is the promise itself without a signal', () => {
    const promise = Promise.resolve(1);
    expect(abortable(promise, undefined, 'enrich')).toBe(promise);
  });

  it('settles as the promise does while the caller waits', async () => {
    const signal = new AbortController().signal;
    await expect(abortable(Promise.resolve(1), signal, 'enrich')).resolves.toBe(1);
    await expect(abortable(Promise.reject(new Error('no')), signal, 'enrich')).rejects.toThrow(
      'no',
    );
  });

  it('rejects at once when the caller aborts, before the promise settles', async () => {
    const controller = new AbortController();
    const never = new Promise<never>(() => undefined);
    const waiting = abortable(never, controller.signal, 'research');
    controller.abort();
    await expect(waiting).rejects.toEqual(new CallerAbortedError('research call aborted'));
  });

  it('rejects an already aborted call without waiting', async () => {
    const controller = new AbortController();
    controller.abort();
    const late = Promise.reject(new Error('late'));
    await expect(abortable(late, controller.signal, 'enrich')).rejects.toBeInstanceOf(
      CallerAbortedError,
    );
  });
});
