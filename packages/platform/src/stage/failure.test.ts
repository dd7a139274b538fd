import { Headers } from './headers';
import { PoisonMessageError, routeFailure } from './failure';

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
    const route = routeFailure({ ...base, attempt, error: new Error('db down') });
    expect(route).toMatchObject({ topic, kind: 'retry' });
    expect(route.headers[Headers.notBefore]).toBe(String(due));
    expect(route.headers[Headers.attempt]).toBe(String(attempt + 1));
  });

  it('dead-letters after the last tier, with the reason, the attempts and the original headers', () => {
    const route = routeFailure({ ...base, attempt: 3, error: new Error('still down') });
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
    const route = routeFailure({ ...base, attempt: 0, error: new PoisonMessageError('bad avro') });
    expect(route.topic).toBe('sink.dlq');
    expect(route.headers[Headers.errorKind]).toBe('poison');
    expect(route.headers[Headers.error]).toBe('PoisonMessageError: bad avro');
  });

  it('bounds the error text it stores', () => {
    const route = routeFailure({ ...base, attempt: 3, error: new Error('x'.repeat(5000)) });
    expect(route.headers[Headers.error]?.length).toBeLessThanOrEqual(1001);
  });
});
