import { runOpenLoop, slotsIn, type OpenLoopOptions, type OpenLoopProgress } from './open-loop';

/** A clock whose sleeps advance time at once, at least by the timer granularity. */
function fakeClock(granularityMs = 1) {
  let now = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    advance: (ms: number) => {
      now += ms;
    },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += Math.max(ms, granularityMs);
        await Promise.resolve();
      },
    },
  };
}

/** A task that resolves only when released: lets a test hold answers back. */
function heldTasks() {
  const releases: (() => void)[] = [];
  return {
    task: () => new Promise<void>((resolve) => releases.push(resolve)),
    releaseAll: () => releases.splice(0).forEach((release) => release()),
    count: () => releases.length,
  };
}

const options = (
  clock: OpenLoopOptions['clock'],
  overrides: Partial<OpenLoopOptions> = {},
): OpenLoopOptions => ({ rate: 1000, durationMs: 100, maxInFlight: 10_000, clock, ...overrides });

describe('slotsIn', () => {
  it('counts the slots k with k / rate inside the duration', () => {
    expect(slotsIn(1000, 100)).toBe(100);
    expect(slotsIn(3, 1000)).toBe(3);
    expect(slotsIn(250, 30_000)).toBe(7500);
    expect(slotsIn(3, 1001)).toBe(4);
    expect(slotsIn(100, 0)).toBe(0);
  });
});

describe('runOpenLoop', () => {
  it('starts every slot at its time and reports offered and achieved rates', async () => {
    const { clock } = fakeClock();
    const startedAt: number[] = [];
    const report = await runOpenLoop(options(clock), async (index) => {
      startedAt[index] = clock.now() - 1_000;
    });
    expect(report).toMatchObject({
      offered: 100,
      started: 100,
      succeeded: 100,
      failed: 0,
      droppedAtCap: 0,
      lateStarts: 0,
      offeredRate: 1000,
      achievedRate: 1000,
      generatorFellBehind: false,
    });
    startedAt.forEach((at, index) => expect(at).toBe(index));
  });

  it('never waits for answers: slow tasks do not delay later slots', async () => {
    const { clock } = fakeClock();
    const held = heldTasks();
    const startTimes: number[] = [];
    const running = runOpenLoop(options(clock, { rate: 500, durationMs: 200 }), (index) => {
      startTimes[index] = clock.now() - 1_000;
      return held.task();
    });
    // Let the loop run its whole schedule while nothing has answered.
    for (let turn = 0; turn < 1000 && held.count() < 100; turn++) await Promise.resolve();
    expect(held.count()).toBe(100);
    expect(startTimes[99]).toBe(198);
    held.releaseAll();
    const report = await running;
    expect(report).toMatchObject({ started: 100, succeeded: 100, generatorFellBehind: false });
  });

  it('starts every due slot in one burst when the timer wakes late, sleeping far less than once per task', async () => {
    const { clock, sleeps } = fakeClock(10);
    const report = await runOpenLoop(options(clock, { rate: 2000, durationMs: 1000 }), async () => {
      /* instant */
    });
    expect(report.started).toBe(2000);
    expect(report.lateStarts).toBe(0);
    expect(report.maxStartDelayMs).toBeLessThanOrEqual(10);
    expect(sleeps.length).toBeLessThanOrEqual(101);
  });

  it('drops the slots due while the in-flight cap is reached, and says it fell behind', async () => {
    const { clock } = fakeClock();
    const held = heldTasks();
    const running = runOpenLoop(options(clock, { maxInFlight: 10 }), held.task);
    for (let turn = 0; turn < 1000 && held.count() < 10; turn++) await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    held.releaseAll();
    const report = await running;
    expect(report).toMatchObject({
      offered: 100,
      started: 10,
      succeeded: 10,
      droppedAtCap: 90,
      achievedRate: 100,
      generatorFellBehind: true,
    });
  });

  it('counts starts later than the tolerance when the event loop stalls', async () => {
    const fake = fakeClock();
    const report = await runOpenLoop(
      options(fake.clock, { lateToleranceMs: 50 }),
      async (index) => {
        if (index === 20) fake.advance(70); // a task that blocks the loop for 70 ms
      },
    );
    // The loop wakes at 91 ms and starts slots 21..91 at once: 21..40 are over 50 ms late.
    expect(report.lateStarts).toBe(20);
    expect(report.maxStartDelayMs).toBe(70);
    expect(report.started).toBe(100);
    expect(report.generatorFellBehind).toBe(true);
  });

  it('counts failures by kind, synchronous throws included', async () => {
    const { clock } = fakeClock();
    const report = await runOpenLoop(options(clock, { durationMs: 10 }), (index) => {
      if (index % 5 === 0) throw new TypeError('sync');
      if (index % 2 === 0) {
        return Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      }
      return Promise.resolve();
    });
    expect(report).toMatchObject({ offered: 10, succeeded: 4, failed: 6, achievedRate: 400 });
    expect(report.errorsByKind).toEqual({ TypeError: 2, ECONNRESET: 4 });
  });

  it('uses the classifier it is given', async () => {
    const { clock } = fakeClock();
    const report = await runOpenLoop(
      options(clock, { durationMs: 3 }),
      () => Promise.reject(new Error('HTTP 503')),
      (error) => (error instanceof Error ? error.message : 'other'),
    );
    expect(report.errorsByKind).toEqual({ 'HTTP 503': 3 });
  });

  it('stops scheduling on abort and measures the rates over the time it ran', async () => {
    const { clock } = fakeClock();
    const controller = new AbortController();
    const report = await runOpenLoop(
      options(clock, { signal: controller.signal, durationMs: 10_000 }),
      async (index) => {
        if (index === 99) controller.abort();
      },
    );
    expect(report.offered).toBe(100);
    expect(report.succeeded).toBe(100);
    expect(report.offeredRate).toBeCloseTo(1000, -1);
  });

  it('reports progress about every second of the schedule', async () => {
    const { clock } = fakeClock();
    const seen: OpenLoopProgress[] = [];
    await runOpenLoop(
      options(clock, { rate: 100, durationMs: 3500, onProgress: (p) => seen.push(p) }),
      async () => undefined,
    );
    expect(seen.map((p) => p.offered)).toEqual([101, 201, 301]);
    expect(seen.map((p) => Math.round(p.elapsedMs))).toEqual([1000, 2000, 3000]);
    expect(seen.every((p) => !p.behind && p.inFlight <= 1)).toBe(true);
  });

  it('rejects a rate that is not positive', async () => {
    await expect(
      runOpenLoop(options(undefined, { rate: 0 }), async () => undefined),
    ).rejects.toThrow(RangeError);
  });

  it('holds 2,000 starts per second on the real clock', async () => {
    const report = await runOpenLoop(
      { rate: 2000, durationMs: 250, maxInFlight: 10_000 },
      () => new Promise<void>((resolve) => setImmediate(resolve)),
    );
    expect(report).toMatchObject({ offered: 500, started: 500, succeeded: 500, droppedAtCap: 0 });
    expect(report.elapsedMs).toBeGreaterThanOrEqual(245);
  });
});
