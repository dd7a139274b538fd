import type { TopicDeclaration } from '@bgs/platform';
import { warning } from './progress';

export class TopicDriftError extends Error {
  override readonly name = 'TopicDriftError';
}

/**
 * Throws when an existing topic's partition count differs from the catalogue's. Provisioning
 * never changes one: adding partitions to a keyed topic moves keys to other partitions and
 * breaks per-company order, so drift there is an error to resolve by hand.
 */
export function checkPartitionCount(declaration: TopicDeclaration, partitionCount: number): void {
  if (partitionCount === declaration.partitions) return;
  throw new TopicDriftError(
    `topic ${declaration.name} has ${partitionCount} partitions, the catalogue declares ${declaration.partitions}; ` +
      'changing it would reorder keyed events, so recreate it deliberately',
  );
}

/** The replicas of a topic: those of its least replicated partition, which bounds them all. */
export function replicaCountOf(
  partitions: readonly { readonly replicas: readonly number[] }[],
): number {
  return partitions.length === 0 ? 0 : Math.min(...partitions.map((p) => p.replicas.length));
}

/**
 * Why an existing topic keeps fewer replicas than wanted, or nothing. Not an error: raising
 * them copies every partition to other brokers, an operation to plan, not to run on a deploy.
 */
export function underReplicationWarning(
  topic: string,
  replicaCount: number,
  replicationFactor: number,
): string | undefined {
  if (replicaCount >= replicationFactor) return undefined;
  return warning(
    `topic ${topic} has ${replicaCount} replica(s), ${replicationFactor} wanted; provisioning ` +
      'never moves data, so raise it with kafka-reassign-partitions',
  );
}

/** The names of the wanted entries whose actual value differs (or is missing), in order. */
export function configDifferences(
  wanted: Readonly<Record<string, string>>,
  actual: ReadonlyMap<string, string>,
): string[] {
  return Object.entries(wanted)
    .filter(([name, value]) => actual.get(name) !== value)
    .map(([name]) => name);
}

/** A config as kafkajs's createTopics and alterConfigs take it. */
export const configEntries = (
  config: Readonly<Record<string, string>>,
): { name: string; value: string }[] =>
  Object.entries(config).map(([name, value]) => ({ name, value }));
