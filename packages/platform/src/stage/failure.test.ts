import { Headers } from './headers';
import { DependencyUnavailableError, PoisonMessageError } from './failure-class';
import { HOLD_BACKOFF_MS, holdDelayMs, routeFailure, type FailureRoute } from './failure';

/** A route to a topic (retry tier or dead letters); a hold fails the test. */
function sent(route: FailureRoute): Exclude<FailureRoute, { kind: 'hold' }> {
  if (route.kind === 'hold') throw new Error(`held, not sent: ${JSON.stringify(route)}`);
  return route;
}

const base = {
  stage: 'sink' as const,
  topic: 'buyer-group.researched',
  partition: 3,
  offset: '41',
  timestamp: 1_000,
  headers: { traceparent: '00-abc-def-01', 'event-id': 'e1' },
  now: 10_000,
};

describe('routeFailure', () => {
  it.each([
    [0, 'sink.retry.2s', 12_000],
    [1, 'sink.retry.4s', 14_000],
    [2, 'sink.retry.8s', 18_000],
  ])('sends failed attempt %i to %s, due at %i', (attempt, topic, due) => {
    const route = sent(routeFailure({ ...base, attempt, error: new Error('db down') }));
    expect(route).toMatchObject({ topic, kind: 'retry' });
    expect(route.headers[Headers.notBefore]).toBe(String(due));
    expect(route.headers[Headers.attempt]).toBe(String(attempt + 1));
  });

  it('dead-letters after the last tier, with the reason, the attempts and the original headers', () => {
    const route = sent(routeFailure({ ...base, attempt: 3, error: new Error('still down') }));
    expect(route.topic).toBe('sink.dlq');
    expect(route.kind).toBe('dead_letter');
    expect(route.headers).toMatchObject({
      traceparent: '00-abc-def-01',
      'event-id': 'e1',
      [Headers.attempt]: '4',
      [Headers.error]: 'Error: still down',
      [Headers.errorKind]: 'failed',
      [Headers.originalTopic]: 'buyer-group.researched',
      [Headers.originalPartition]: '3',
      [Headers.originalOffset]: '41',
    });
    expect(route.headers[Headers.notBefore]).toBeUndefined();
  });

  it('dead-letters poison at once', () => {
    const route = sent(
      routeFailure({ ...base, attempt: 0, error: new PoisonMessageError('bad avro') }),
    );
    expect(route.topic).toBe('sink.dlq');
    expect(route.headers[Headers.errorKind]).toBe('poison');
    expect(route.headers[Headers.error]).toBe('PoisonMessageError: bad avro');
  });

  it('bounds the error text it stores', () => {
    const route = sent(routeFailure({ ...base, attempt: 3, error: new Error('x'.repeat(5000)) }));
    expect(route.headers[Headers.error]?.length).toBeLessThanOrEqual(1001);
  });

  describe('a dependency that does not answer', () => {
    const outage = new DependencyUnavailableError('postgres', 'connect ECONNREFUSED');

    it.each([0, 1, 2])('retries attempt %i through the tiers, marked transient', (attempt) => {
      const route = sent(routeFailure({ ...base, attempt, error: outage }));
      expect(route.kind).toBe('retry');
      expect(route.headers[Headers.errorKind]).toBe('transient');
    });

    it('holds the record on its partition once the tiers are spent: never a dead letter', () => {
      for (const attempt of [3, 4, 50]) {
        expect(routeFailure({ ...base, attempt, error: outage })).toEqual({
          kind: 'hold',
          retryInMs: HOLD_BACKOFF_MS.first,
        });
      }
    });

    it('waits longer at each hold of the same record, up to a bound', () => {
      const waits = [0, 1, 2, 3, 4, 5, 6, 100].map((holds) =>
        routeFailure({ ...base, attempt: 3, holds, error: outage }),
      );
      expect(waits.map((r) => (r.kind === 'hold' ? r.retryInMs : -1))).toEqual([
        1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
      ]);
      expect(holdDelayMs(1e9)).toBe(HOLD_BACKOFF_MS.max);
    });
  });

  it('dead-letters a permanent failure (a provider 4xx) at once, marked permanent', () => {
    const route = sent(
      routeFailure({
        ...base,
        attempt: 0,
        error: new Error('provider answered 400'),
        failureClass: 'permanent',
      }),
    );
    expect(route.kind).toBe('dead_letter');
    expect(route.topic).toBe('sink.dlq');
    expect(route.headers[Headers.errorKind]).toBe('permanent');
  });
});
