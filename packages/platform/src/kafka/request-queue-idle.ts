/**
 * kafkajs 2.2.4 re-arms a timer after every check of a broker connection's pending requests,
 * also when none is pending and nothing is throttled: a negative delay, so 1 ms, forever
 * (tulios/kafkajs#1556; the fix proposed in #1667 was never released). Every connection of
 * every client spun that loop: an idle refresher woke about 1,570 times a second with nothing
 * to read or write (`strace -c`), and each idle stage service burned about 5 % of a core.
 *
 * A pending request needs a timer only while it cannot be sent: until a throttle ends, or,
 * behind the in-flight cap, every 10 ms as kafkajs does (a response also sends the next one).
 * With nothing pending no timer is set; a request that then has to wait (`push`) sets one.
 */

/** kafkajs's own interval for re-checking requests held back by the in-flight cap. */
export const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** When to check the pending requests again: undefined when nothing is pending. */
export function pendingCheckDelay(
  pending: number,
  throttledUntil: number,
  now: number,
): number | undefined {
  if (pending === 0) return undefined;
  const untilUnthrottled = throttledUntil - now;
  return untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL_MS;
}

/** The slice of kafkajs's (untyped, internal) RequestQueue class this fix replaces. */
export interface PendingRequestQueue {
  pending: readonly unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

let installed = false;

/** Replaces `scheduleCheckPendingRequests` of kafkajs's RequestQueue once per process. */
export function stopIdleRequestQueueTimers(
  queueClass: { prototype: PendingRequestQueue },
  now: () => number = Date.now,
): void {
  if (installed) return;
  installed = true;
  queueClass.prototype.scheduleCheckPendingRequests = function (this: PendingRequestQueue) {
    if (this.throttleCheckTimeoutId) return;
    const delay = pendingCheckDelay(this.pending.length, this.throttledUntil, now());
    if (delay === undefined) return;
    this.throttleCheckTimeoutId = setTimeout(() => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    }, delay);
  };
}

export function resetRequestQueueFixForTests(): void {
  installed = false;
}
