/**
 * Waits until our pipeline has nothing left to do, so a step measures its own changes and not
 * the tail of a dataset load. Idle: two consecutive readings of every main consumer group's
 * committed offsets and its inputs' end offsets are identical, with at most one offset between
 * them per partition. The inputs after `route` are written in Kafka transactions, whose commit
 * marker takes an offset no consumer ever commits past, so "lag 0" reads as 1 there.
 * The cooldown deferral tiers are left out: a deferral waits there for up to an hour by design.
 */
import type { Admin } from 'kafkajs';

/** The main groups of refresher, enricher and sink (their `.retry` groups read retries only). */
export const PIPELINE_GROUPS = [
  'refresher.route',
  'refresher.discover',
  'enricher.enrich',
  'sink',
] as const;

/** `group/topic/partition` → end offset and committed offset. */
export type OffsetReading = ReadonlyMap<
  string,
  { readonly end: number; readonly committed: number }
>;

const MARKER_ALLOWANCE = 1;

export function backlogOf(reading: OffsetReading): number {
  let backlog = 0;
  for (const { end, committed } of reading.values()) {
    backlog += Math.max(0, end - committed - MARKER_ALLOWANCE);
  }
  return backlog;
}

export function isIdle(previous: OffsetReading | undefined, current: OffsetReading): boolean {
  if (!previous || previous.size !== current.size) return false;
  if (backlogOf(current) > 0) return false;
  for (const [key, now] of current) {
    const before = previous.get(key);
    if (!before || before.end !== now.end || before.committed !== now.committed) return false;
  }
  return true;
}

const isDeferralTier = (topic: string): boolean => topic.startsWith('refresher.deferred.');

export async function readOffsets(admin: Admin): Promise<OffsetReading> {
  const reading = new Map<string, { end: number; committed: number }>();
  const ends = new Map<string, Map<number, number>>();
  const endsOf = async (topic: string): Promise<Map<number, number>> => {
    let known = ends.get(topic);
    if (!known) {
      const offsets = await admin.fetchTopicOffsets(topic);
      known = new Map(offsets.map(({ partition, high }) => [partition, Number(high)]));
      ends.set(topic, known);
    }
    return known;
  };
  for (const groupId of PIPELINE_GROUPS) {
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
      if (isDeferralTier(topic)) continue;
      const topicEnds = await endsOf(topic);
      for (const { partition, offset } of partitions) {
        // -1: never committed; how far behind it is cannot be known (as the lag sampler).
        if (!(Number(offset) >= 0)) continue;
        const end = topicEnds.get(partition) ?? 0;
        reading.set(`${groupId}/${topic}/${partition}`, { end, committed: Number(offset) });
      }
    }
  }
  return reading;
}

export interface IdleWait {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly progressEveryMs?: number;
  readonly say: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** Resolves with the time it took; rejects when the pipeline is still busy at the deadline. */
export async function waitForIdle(admin: Admin, options: IdleWait): Promise<number> {
  const started = Date.now();
  const pollMs = options.pollMs ?? 1_000;
  const progressEveryMs = options.progressEveryMs ?? 5_000;
  let previous: OffsetReading | undefined;
  let lastProgress = started;
  for (;;) {
    const current = await readOffsets(admin);
    if (isIdle(previous, current)) return Date.now() - started;
    const now = Date.now();
    if (now - started > options.timeoutMs) {
      throw new Error(`the pipeline is still busy after ${options.timeoutMs / 1000} s`);
    }
    if (now - lastProgress >= progressEveryMs) {
      options.say(`· waiting for the pipeline to be idle: backlog ${backlogOf(current)} records`);
      lastProgress = now;
    }
    if (options.signal?.aborted) throw new Error('aborted');
    previous = current;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
