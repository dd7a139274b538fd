/**
 * What the routing step learns about people besides which companies to touch: when each
 * upstream row last changed (Debezium's commit time). Discovery merges it with what providers
 * reported (ingress records those observations), so it is written before the touches it causes
 * are committed. Pure; upstream-commits-store.ts writes it.
 */
import type { RoutedInput } from './routed-input';

export interface UpstreamCommit {
  readonly personId: string;
  /** Epoch ms of the commit, as Debezium reported it. */
  readonly committedAt: number;
}

/** The latest commit per person in the batch: one row each, as one upsert needs. */
export function upstreamCommitsOf(inputs: readonly RoutedInput[]): UpstreamCommit[] {
  const commits = new Map<string, number>();
  for (const input of inputs) {
    if (input.type !== 'change') continue;
    const { change } = input;
    if (change.kind === 'person' && change.origin.type === 'cdc') {
      const known = commits.get(change.personId);
      if (known === undefined || change.occurredAt > known) {
        commits.set(change.personId, change.occurredAt);
      }
    }
  }
  return [...commits].map(([personId, committedAt]) => ({ personId, committedAt }));
}
