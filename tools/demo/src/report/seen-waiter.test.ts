import { createSeenWaiter } from './seen-waiter';

describe('createSeenWaiter', () => {
  it('answers at once when everything is seen already', async () => {
    await expect(
      createSeenWaiter(() => true).wait(10_000, new AbortController().signal),
    ).resolves.toBe('seen');
  });

  it('wakes on the notification that completes the set', async () => {
    let seen = false;
    const waiter = createSeenWaiter(() => seen);
    const waiting = waiter.wait(10_000, new AbortController().signal);
    waiter.notify(); // not yet
    seen = true;
    waiter.notify();
    await expect(waiting).resolves.toBe('seen');
  });

  it('gives up at the timeout', async () => {
    await expect(createSeenWaiter(() => false).wait(5, new AbortController().signal)).resolves.toBe(
      'timeout',
    );
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const waiting = createSeenWaiter(() => false).wait(10_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe('aborted');
  });
});
