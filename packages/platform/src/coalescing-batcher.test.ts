import { createCoalescingBatcher } from './coalescing-batcher';

/** A round trip that only ends when the test says so, recording each batch it was given. */
function controlledRun() {
  const batches: number[][] = [];
  const finishers: (() => void)[] = [];
  const run = (items: readonly number[]) => {
    batches.push([...items]);
    return new Promise<number[]>((resolve) =>
      finishers.push(() => resolve(items.map((n) => n * 10))),
    );
  };
  const finishNext = async () => {
    finishers.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { batches, run, finishNext };
}

describe('createCoalescingBatcher', () => {
  it('sends the first call at once and gathers the calls made meanwhile into the next batch', async () => {
    const { batches, run, finishNext } = controlledRun();
    const submit = createCoalescingBatcher({ run, maxBatch: 10 });
    const results = [submit(1), submit(2), submit(3)];
    expect(batches).toEqual([[1]]);
    await finishNext();
    expect(batches).toEqual([[1], [2, 3]]);
    await finishNext();
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
  });

  it('on the next turn, lets the calls of the same turn share the first batch', async () => {
    const { batches, run, finishNext } = controlledRun();
    const submit = createCoalescingBatcher({ run, maxBatch: 10, startOnNextTurn: true });
    const results = [submit(1), submit(2)];
    expect(batches).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[1, 2]]);
    await finishNext();
    await expect(Promise.all(results)).resolves.toEqual([10, 20]);
  });

  it('never puts more than maxBatch items in one round trip', async () => {
    const { batches, run, finishNext } = controlledRun();
    const submit = createCoalescingBatcher({ run, maxBatch: 2 });
    const results = [1, 2, 3, 4, 5].map((n) => submit(n));
    await finishNext();
    await finishNext();
    await finishNext();
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50]);
  });

  it('fails every caller of a failed batch and goes on with the next', async () => {
    let calls = 0;
    const submit = createCoalescingBatcher<number, number>({
      maxBatch: 10,
      run: async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database unavailable');
        return items.map((n) => n);
      },
    });
    await expect(submit(1)).rejects.toThrow('database unavailable');
    await expect(submit(2)).resolves.toBe(2);
  });

  it('rejects a batch whose round trip answers for the wrong number of items', async () => {
    const submit = createCoalescingBatcher<number, number>({
      maxBatch: 10,
      run: async () => [],
    });
    await expect(submit(1)).rejects.toThrow('a batch of 1 items gave 0 results');
  });

  it('rests between batches, and the calls made while it rests share the next batch', async () => {
    const { batches, run, finishNext } = controlledRun();
    let clock = 0;
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    try {
      const submit = createCoalescingBatcher({
        run,
        maxBatch: 10,
        pauseBetweenBatchesMs: 5,
        now: () => clock,
      });
      const results = [submit(1)];
      await finishNext();
      results.push(submit(2), submit(3));
      expect(batches).toEqual([[1]]);
      clock = 5;
      jest.advanceTimersByTime(5);
      expect(batches).toEqual([[1], [2, 3]]);
      await finishNext();
      await expect(Promise.all(results)).resolves.toEqual([10, 20, 30]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('withdraws an item aborted while it waits, and never runs it; an item already running stays', async () => {
    const { batches, run, finishNext } = controlledRun();
    const submit = createCoalescingBatcher({ run, maxBatch: 10 });
    const running = new AbortController();
    const waiting = new AbortController();
    const first = submit(1, running.signal);
    const second = submit(2, waiting.signal);
    const third = submit(3);
    running.abort(new Error('too late for the first'));
    waiting.abort(new Error('gave up waiting'));
    await expect(second).rejects.toThrow('gave up waiting');
    await finishNext();
    await finishNext();
    expect(batches).toEqual([[1], [3]]);
    await expect(first).resolves.toBe(10);
    await expect(third).resolves.toBe(30);
  });

  it('refuses an item whose signal has already aborted', async () => {
    const { batches, run } = controlledRun();
    const submit = createCoalescingBatcher({ run, maxBatch: 10 });
    await expect(submit(1, AbortSignal.abort(new Error('already over')))).rejects.toThrow(
      'already over',
    );
    expect(batches).toEqual([]);
  });
});
