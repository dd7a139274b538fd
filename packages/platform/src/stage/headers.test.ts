import { Headers, isReplay, passThroughHeaders, RUNTIME_HEADERS } from './headers';

describe('passThroughHeaders', () => {
  it("carries the trace and the replay mark on, and drops the runtime's bookkeeping", () => {
    const inherited = passThroughHeaders({
      [Headers.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      [Headers.replay]: 'evt_1',
      'event-id': 'evt_1-fix',
      source: 'acme',
      [Headers.attempt]: '2',
      [Headers.error]: 'boom',
      [Headers.originalTopic]: 'person-changes',
    });
    expect(inherited).toEqual({
      [Headers.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      [Headers.replay]: 'evt_1',
      'event-id': 'evt_1-fix',
      source: 'acme',
    });
  });

  it('never counts the trace or the replay mark as the runtime’s own', () => {
    expect(RUNTIME_HEADERS).not.toContain(Headers.traceparent);
    expect(RUNTIME_HEADERS).not.toContain(Headers.replay);
    expect(RUNTIME_HEADERS).toContain(Headers.attempt);
  });
});

describe('isReplay', () => {
  it('is true only with the replay header', () => {
    expect(isReplay({ [Headers.replay]: 'evt_1' })).toBe(true);
    expect(isReplay({ [Headers.replay]: '' })).toBe(true);
    expect(isReplay({ traceparent: 'x' })).toBe(false);
  });
});
