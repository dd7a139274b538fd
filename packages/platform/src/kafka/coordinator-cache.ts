/**
 * kafkajs asks the cluster for the coordinator before every transactional request: a
 * transaction with offsets made four FindCoordinator requests besides its five own (counted
 * on the stage services under load: 40 % of their requests to the broker). On this stack's
 * 2-core machine every broker request costs milliseconds of CPU, so the answer is kept for a
 * short while. A coordinator moves only when its broker or its partition's leadership does:
 * an answer is dropped when its broker's connection is down, and after `ttlMs` at the latest,
 * so a moved coordinator costs at most that long of retried requests (kafkajs retries them).
 */

/** The slice of kafkajs's (untyped, internal) Cluster class this cache wraps. */
interface CoordinatorLookup {
  findGroupCoordinator(request: {
    groupId: string;
    coordinatorType?: number;
  }): Promise<{ isConnected(): boolean }>;
}

interface Cached {
  readonly broker: { isConnected(): boolean };
  readonly until: number;
}

export const COORDINATOR_TTL_MS = 10_000;

/** The cache decision, apart from kafkajs: a cached coordinator is used while fresh and connected. */
export function usableCoordinator(
  cached: Cached | undefined,
  now: number,
): Cached['broker'] | undefined {
  if (!cached || cached.until <= now || !cached.broker.isConnected()) return undefined;
  return cached.broker;
}

let installed = false;

/** Wraps `findGroupCoordinator` of kafkajs's Cluster once per process. */
export function cacheGroupCoordinators(
  clusterClass: { prototype: CoordinatorLookup },
  ttlMs = COORDINATOR_TTL_MS,
  now: () => number = Date.now,
): void {
  if (installed) return;
  installed = true;
  const find = clusterClass.prototype.findGroupCoordinator;
  const caches = new WeakMap<object, Map<string, Cached>>();
  clusterClass.prototype.findGroupCoordinator = async function (this: CoordinatorLookup, request) {
    let cache = caches.get(this);
    if (!cache) {
      cache = new Map();
      caches.set(this, cache);
    }
    const key = `${request.coordinatorType ?? 0}:${request.groupId}`;
    const usable = usableCoordinator(cache.get(key), now());
    if (usable) return usable;
    const broker = await find.call(this, request);
    cache.set(key, { broker, until: now() + ttlMs });
    return broker;
  };
}

/** For tests: lets the next call install again. */
export function resetCoordinatorCacheForTests(): void {
  installed = false;
}
