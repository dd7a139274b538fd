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
   * Batches in flight at once (default 1). With more than one, a call waits only while every
   * slot is busy, so under light load it goes out alone and at once; under load the waiting
   * calls still share the next free slot's batch. Batches may then finish out of order: only
   * for callers whose items do not depend on one another (the Kafka publisher keeps 1).
   */
  readonly concurrency?: number;
  /**
   * The least time between the end of a batch and the start of the next (default 0). Calls
   * made meanwhile wait and share that next batch.
   */
  readonly pauseBetweenBatchesMs?: number;
  readonly now?: () => number;
}

/** Submits one item; resolves with its own result once its batch has run. */
export type CoalescingBatcher<Item, Result> = (item: Item) => Promise<Result>;

interface Pending<Item, Result> {
  readonly item: Item;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the calls made while the batches in flight run into the next batch, with at most
 * `concurrency` batches in flight: under load each round trip serves everyone who waited for
 * it; when idle a call goes out at once (or on the next turn). A failed batch never rejects the
 * batcher itself.
 */
export function createCoalescingBatcher<Item, Result>(
  options: CoalescingBatcherOptions<Item, Result>,
): CoalescingBatcher<Item, Result> {
  const { run, maxBatch } = options;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`a batcher needs at least one slot, not ${concurrency}`);
  }
  if (!Number.isInteger(maxBatch) && maxBatch !== Number.POSITIVE_INFINITY) {
    throw new Error(`maxBatch must be an integer, not ${maxBatch}`);
  }
  const queue: Pending<Item, Result>[] = [];
  let inFlight = 0;
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
  /** Starts a batch in every free slot while calls wait, once the pause has passed. */
  const pump = (): void => {
    scheduled = false;
    const restLeft = lastEndedAt + pauseMs - now();
    if (restLeft > 0 && queue.length > 0 && inFlight < concurrency) {
      scheduled = true;
      setTimeout(pump, restLeft);
      return;
    }
    while (inFlight < concurrency && queue.length > 0) {
      inFlight += 1;
      void settle(queue.splice(0, maxBatch)).finally(() => {
        inFlight -= 1;
        lastEndedAt = now();
        if (!scheduled) pump();
      });
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (inFlight >= concurrency || scheduled) return;
      if (options.startOnNextTurn) {
        scheduled = true;
        setImmediate(pump);
      } else {
        pump();
      }
    });
}
