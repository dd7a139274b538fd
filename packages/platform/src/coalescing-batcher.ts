/**
 * One round trip for everyone who waited for it: the Kafka publisher's sends and ingress's
 * Postgres claims and marks both gather concurrent calls this way.
 */
export interface CoalescingBatcherOptions<Item, Result> {
  /**
   * One round trip for the whole batch, resolving with one result per item, in item order.
   * A rejection fails every item of the batch with that error.
   */
  readonly run: (items: readonly Item[]) => Promise<readonly Result[]>;
  /** The most items in one batch. */
  readonly maxBatch: number;
  /**
   * When nothing is in flight, start on the next event-loop turn instead of at once, so that
   * calls made in the same turn share the first batch. A turn, not a timer: no added latency.
   */
  readonly startOnNextTurn?: boolean;
  /**
   * The least time between the end of a batch and the start of the next (default 0). Calls
   * made meanwhile wait and share that next batch.
   */
  readonly pauseBetweenBatchesMs?: number;
  readonly now?: () => number;
}

/**
 * Submits one item; resolves with its own result once its batch has run. An item whose `signal`
 * aborts while it still waits for a batch is withdrawn (never run) and rejects with the signal's
 * reason; once its batch has started, the abort changes nothing.
 */
export type CoalescingBatcher<Item, Result> = (item: Item, signal?: AbortSignal) => Promise<Result>;

interface Pending<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the calls made while a batch is in flight into the next batch, with one batch in
 * flight at a time: under load each round trip serves everyone who waited for it; when idle a
 * call goes out at once (or on the next turn). A failed batch never rejects the batcher itself.
 */
export function createCoalescingBatcher<Item, Result>(
  options: CoalescingBatcherOptions<Item, Result>,
): CoalescingBatcher<Item, Result> {
  const { run, maxBatch } = options;
  if (!Number.isInteger(maxBatch) && maxBatch !== Number.POSITIVE_INFINITY) {
    throw new Error(`maxBatch must be an integer, not ${maxBatch}`);
  }
  const queue: Pending<Item, Result>[] = [];
  let inFlight = false;
  let scheduled = false;
  const pauseMs = options.pauseBetweenBatchesMs ?? 0;
  const now = options.now ?? Date.now;
  let lastEndedAt = Number.NEGATIVE_INFINITY;

  const settle = async (batch: readonly Pending<Item, Result>[]): Promise<void> => {
    try {
      const results = await run(batch.map((pending) => pending.item));
      if (results.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} items gave ${results.length} results`);
      }
      batch.forEach((pending, index) => pending.resolve(results[index] as Result));
    } catch (error) {
      batch.forEach((pending) => pending.reject(error));
    }
  };
  /** Starts the next batch when calls wait and nothing is in flight, once the pause has passed. */
  const pump = (): void => {
    scheduled = false;
    if (inFlight || queue.length === 0) return;
    const restLeft = lastEndedAt + pauseMs - now();
    if (restLeft > 0) {
      scheduled = true;
      setTimeout(pump, restLeft);
      return;
    }
    inFlight = true;
    void settle(queue.splice(0, maxBatch)).finally(() => {
      inFlight = false;
      lastEndedAt = now();
      if (!scheduled) pump();
    });
  };

  /** Takes a waiting item out of the queue; false once its batch has started. */
  const withdraw = (pending: Pending<Item, Result>): boolean => {
    const index = queue.indexOf(pending);
    if (index >= 0) queue.splice(index, 1);
    return index >= 0;
  };

  return (item, signal) =>
    new Promise<Result>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as unknown);
      const pending: Pending<Item, Result> = { item, resolve, reject };
      queue.push(pending);
      signal?.addEventListener(
        'abort',
        () => {
          if (withdraw(pending)) reject(signal.reason as unknown);
        },
        { once: true },
      );
      if (inFlight || scheduled) return;
      if (options.startOnNextTurn) {
        scheduled = true;
        setImmediate(pump);
      } else {
        pump();
      }
    });
}
