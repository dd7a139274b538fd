/**
 * What the runner reads of the stack between faults: whether every service is ready, the
 * generation a company's saved group has reached, whether the pipeline has worked off what it
 * was given, and where the dead-letter topics end.
 */
import type { Admin } from 'kafkajs';
import type { Pool } from 'pg';

export const SERVICE_PORTS = { ingress: 58100, refresher: 58101, enricher: 58102, sink: 58103 };

/** The groups that must reach the end of their inputs; the retry groups read the tiers. */
export const CONSUMER_GROUPS = [
  'refresher.route',
  'refresher.discover',
  'enricher.enrich',
  'sink',
  'refresher.route.retry',
  'refresher.discover.retry',
  'enricher.enrich.retry',
  'sink.retry',
];

export const DEAD_LETTER_TOPICS = ['refresher.dlq', 'enricher.dlq', 'sink.dlq'];

export async function allReady(ports: Readonly<Record<string, number>>): Promise<boolean> {
  const answers = await Promise.all(
    Object.values(ports).map((port) =>
      fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status === 200,
        () => false,
      ),
    ),
  );
  return answers.every(Boolean);
}

export async function savedGeneration(pool: Pool, companyId: string): Promise<bigint> {
  const { rows } = await pool.query<{ generation: string }>(
    'SELECT generation::text AS generation FROM buyer_groups WHERE company_id = $1',
    [companyId],
  );
  return BigInt(rows[0]?.generation ?? '-1');
}

/**
 * The refresher's cooldown deferral tiers (`refresher.deferred.<n>s`): their records wait there
 * on purpose until their cooldown ends, up to 10 minutes. The chaos workspaces have cooldown 0,
 * so what waits there is other data's (a demo's or a test's), never the run's own work.
 */
export const isDeferralTier = (topic: string): boolean => topic.startsWith('refresher.deferred.');

/**
 * Records the groups have not read yet, over all their topics but the deferral tiers. A
 * transactional topic leaves a commit marker after the last record, so up to one per partition
 * is not work.
 */
export async function backlog(
  admin: Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>,
  groups: readonly string[],
): Promise<number> {
  let total = 0;
  for (const groupId of groups) {
    const committed = await admin.fetchOffsets({ groupId });
    for (const { topic, partitions } of committed) {
      if (isDeferralTier(topic)) continue;
      const ends = await admin.fetchTopicOffsets(topic);
      const endOf = new Map(ends.map((e) => [e.partition, BigInt(e.high)]));
      for (const { partition, offset } of partitions) {
        const end = endOf.get(partition) ?? 0n;
        const at = BigInt(offset) < 0n ? 0n : BigInt(offset);
        const behind = end - at;
        if (behind > 1n) total += Number(behind);
      }
    }
  }
  return total;
}

export async function endOffsets(
  admin: Admin,
  topics: readonly string[],
): Promise<Record<string, Record<number, string>>> {
  const result: Record<string, Record<number, string>> = {};
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    result[topic] = Object.fromEntries(offsets.map((o) => [o.partition, o.high]));
  }
  return result;
}
