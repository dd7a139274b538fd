/**
 * What the routing step learns about people besides which companies to touch: the values a
 * provider reported (observations), and when each upstream row last changed (Debezium's commit
 * time). Discovery merges the two (packages/domain observations.ts), so both are written before
 * the touches they cause are committed. Pure; provider-facts-store.ts writes them.
 */
import { observationsOf, supersedes, type Observation } from '@bgs/domain';
import type { RoutedInput } from './routed-input';

export interface UpstreamCommit {
  readonly personId: string;
  /** Epoch ms of the commit, as Debezium reported it. */
  readonly committedAt: number;
}

export interface ProviderFacts {
  /** The newest per person and field in the batch: one row each, as one upsert needs. */
  readonly observations: readonly Observation[];
  /** The latest per person in the batch. */
  readonly upstreamCommits: readonly UpstreamCommit[];
}

export function providerFactsOf(inputs: readonly RoutedInput[]): ProviderFacts {
  const observations = new Map<string, Observation>();
  const commits = new Map<string, number>();
  for (const input of inputs) {
    if (input.type !== 'change') continue;
    const { change } = input;
    if (change.kind === 'person' && change.origin.type === 'cdc') {
      const known = commits.get(change.personId);
      if (known === undefined || change.occurredAt > known) {
        commits.set(change.personId, change.occurredAt);
      }
    } else if (change.kind === 'provider' && input.receivedAt !== undefined) {
      for (const observation of observationsOf(change, input.receivedAt)) {
        const key = `${observation.personId}\u0000${observation.field}`;
        const current = observations.get(key);
        if (current === undefined || supersedes(observation, current)) {
          observations.set(key, observation);
        }
      }
    }
  }
  return {
    observations: [...observations.values()],
    upstreamCommits: [...commits].map(([personId, committedAt]) => ({ personId, committedAt })),
  };
}
