import { runPaced, type PacerOptions } from './pacer';

const options = (overrides: Partial<PacerOptions> = {}): PacerOptions => ({
  rate: 2000,
  successes: 20,
  signal: new AbortController().signal,
  maxInFlight: 4,
  maxConsecutiveFailures: 5,
  ...overrides,
});

describe('runPaced', () => {
  it('stops after the number of successes asked for, making up for failures', async () => {
    let calls = 0;
    const result = await runPaced(options(), async () => {
      calls++;
      if (calls % 3 === 0) throw new Error('flaky');
      return true;
    });
    expect(result).toEqual({ succeeded: 20, failed: expect.any(Number), stoppedBecause: 'done' });
    expect(result.failed).toBeGreaterThanOrEqual(9);
  });

  it('never runs more tasks at once than allowed', async () => {
    let running = 0;
    let most = 0;
    await runPaced(options({ maxInFlight: 3 }), async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return true;
    });
    expect(most).toBeLessThanOrEqual(3);
  });

  it('does not wait for answers while under the in-flight cap', async () => {
    const releases: (() => void)[] = [];
    let allStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (allStarted = resolve));
    const running = runPaced(options({ successes: 100, maxInFlight: 500 }), () => {
      const answered = new Promise<boolean>((resolve) => releases.push(() => resolve(true)));
      if (releases.length === 100) allStarted();
      return answered;
    });
    await started; // all 100 started with none answered
    releases.forEach((release) => release());
    expect(await running).toEqual({ succeeded: 100, failed: 0, stoppedBecause: 'done' });
  });

  it('gives up after a run of failures', async () => {
    const result = await runPaced(options({ successes: undefined }), () =>
      Promise.reject(new Error('connection refused')),
    );
    expect(result.stoppedBecause).toBe('failing');
    expect(result.succeeded).toBe(0);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = await runPaced(
      options({ successes: undefined, rate: 100, signal: controller.signal }),
      async () => {
        if (++calls === 5) controller.abort();
        return true;
      },
    );
    expect(result.stoppedBecause).toBe('aborted');
    expect(calls).toBe(5);
  });

  it('keeps to the rate', async () => {
    const started = performance.now();
    await runPaced(options({ rate: 200, successes: 11 }), async () => true);
    // 11 tasks at 200/s: the last starts 50 ms after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
  });
});
