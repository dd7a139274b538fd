/**
 * How many copies of each topic the cluster keeps, and how many must have a write before a
 * producer with acks=all (every stage's transactional producer) gets its acknowledgement.
 */
export interface Replication {
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
}

/** TOPIC_REPLICATION_FACTOR and TOPIC_MIN_INSYNC_REPLICAS, when set. */
export interface ReplicationSettings {
  readonly replicationFactor?: number | undefined;
  readonly minInsyncReplicas?: number | undefined;
}

export class ReplicationError extends Error {
  override readonly name = 'ReplicationError';
}

export const MIN_INSYNC_REPLICAS = 'min.insync.replicas';

/** Three copies are the usual ceiling: more cost disk and latency for little more safety. */
const DEFAULT_MAX_REPLICATION_FACTOR = 3;

/**
 * The replication to provision on a cluster of `brokerCount` brokers. Unset, the factor is
 * min(3, brokers) and min ISR one less (at least 1): from two brokers on, acks=all writes go on
 * with one of them down.
 */
export function replicationFor(brokerCount: number, settings: ReplicationSettings): Replication {
  if (brokerCount < 1) throw new ReplicationError('the cluster reports no brokers');
  const replicationFactor =
    settings.replicationFactor ?? Math.min(DEFAULT_MAX_REPLICATION_FACTOR, brokerCount);
  const minInsyncReplicas = settings.minInsyncReplicas ?? Math.max(1, replicationFactor - 1);
  if (replicationFactor > brokerCount) {
    throw new ReplicationError(
      `TOPIC_REPLICATION_FACTOR is ${replicationFactor} but the cluster has ${brokerCount} ` +
        'broker(s), and Kafka places each replica on its own broker: set it to at most ' +
        `${brokerCount}, or leave it unset to follow the broker count`,
    );
  }
  if (minInsyncReplicas > replicationFactor) {
    const factor = settings.replicationFactor === undefined ? ' (unset: min(3, brokers))' : '';
    throw new ReplicationError(
      `TOPIC_MIN_INSYNC_REPLICAS is ${minInsyncReplicas} but TOPIC_REPLICATION_FACTOR is ` +
        `${replicationFactor}${factor}, so producers with acks=all would be refused every write: ` +
        `set it to at most ${replicationFactor}, or leave it unset (one less than the factor)`,
    );
  }
  return { replicationFactor, minInsyncReplicas };
}

/**
 * The config a topic should have: its declared config plus min.insync.replicas, capped by the
 * replicas it actually has (a topic created with fewer keeps them; provisioning never moves
 * data), since a min ISR above that would refuse every acks=all write with NOT_ENOUGH_REPLICAS.
 *
 * The computed value wins over one the catalogue might declare: how many copies must
 * acknowledge depends on the cluster, which the catalogue knows nothing about (it declares none
 * today; replication.test.ts keeps it so).
 */
export function wantedTopicConfig(
  declared: Readonly<Record<string, string>>,
  minInsyncReplicas: number,
  replicaCount: number,
): Record<string, string> {
  return {
    ...declared,
    [MIN_INSYNC_REPLICAS]: String(Math.max(1, Math.min(minInsyncReplicas, replicaCount))),
  };
}
