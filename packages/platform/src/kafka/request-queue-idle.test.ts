import {
  pendingCheckDelay,
  resetRequestQueueFixForTests,
  stopIdleRequestQueueTimers,
  type PendingRequestQueue,
} from './request-queue-idle';

// kafkajs's own RequestQueue (internal, untyped): the fix is proven on the class it patches.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: PendingRequestQueue;
  new (options: Record<string, unknown>): PendingRequestQueue & {
    push(request: unknown): void;
  };
};

const silentLogger = { debug: () => undefined, warn: () => undefined, error: () => undefined };

function queue() {
  return new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: silentLogger,
  });
}

describe('pendingCheckDelay', () => {
  it('sets no timer with nothing pending, throttled or not', () => {
    expect(pendingCheckDelay(0, -1, 1_000)).toBeUndefined();
    expect(pendingCheckDelay(0, 5_000, 1_000)).toBeUndefined();
  });

  it('waits out a throttle, else re-checks every 10 ms like kafkajs', () => {
    expect(pendingCheckDelay(2, 1_250, 1_000)).toBe(250);
    expect(pendingCheckDelay(2, -1, 1_000)).toBe(10);
    expect(pendingCheckDelay(2, 1_000, 1_000)).toBe(10);
  });
});

describe("kafkajs's RequestQueue with the fix", () => {
  beforeAll(() => {
    resetRequestQueueFixForTests();
    stopIdleRequestQueueTimers(RequestQueue);
  });
  afterEach(() => jest.useRealTimers());

  it('arms no timer after a check that found nothing pending (it looped every 1 ms)', () => {
    const idle = queue();
    idle.checkPendingRequests();
    const armed = idle.throttleCheckTimeoutId;
    if (armed) clearTimeout(armed); // a failing run must not leave the loop (and jest) running
    expect(armed).toBeNull();
  });

  it('still sends a request held back by a throttle once the throttle ends', () => {
    jest.useFakeTimers({ now: 10_000 });
    const throttled = queue();
    throttled.throttledUntil = 10_050;
    const sent: number[] = [];
    throttled.push({
      entry: { correlationId: 7, apiKey: 1, apiName: 'Fetch', apiVersion: 11 },
      expectResponse: true,
      requestTimeout: 30_000,
      sendRequest: () => sent.push(7),
    });
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(49);
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sent).toEqual([7]);
    expect(throttled.throttleCheckTimeoutId).toBeNull();
  });
});
