import type { Admin } from 'kafkajs';
import { backlog } from './pipeline-state';

type BacklogAdmin = Pick<Admin, 'fetchOffsets' | 'fetchTopicOffsets'>;

/** A broker where `group` has committed `at` on partition 0 of each topic, which ends at `end`. */
function adminWith(topics: Record<string, { at: number; end: number }>): BacklogAdmin {
  return {
    fetchOffsets: (async () =>
      Object.entries(topics).map(([topic, { at }]) => ({
        topic,
        partitions: [{ partition: 0, offset: String(at) }],
      }))) as unknown as BacklogAdmin['fetchOffsets'],
    fetchTopicOffsets: (async (topic: string) => [
      { partition: 0, offset: '0', high: String(topics[topic]?.end ?? 0), low: '0' },
    ]) as unknown as BacklogAdmin['fetchTopicOffsets'],
  };
}

describe('backlog', () => {
  it('counts what a group has not read, not the commit marker that ends a topic', async () => {
    const admin = adminWith({
      'company-touches': { at: 10, end: 11 },
      'buyer-group.discovered': { at: 20, end: 25 },
    });
    expect(await backlog(admin, ['g'])).toBe(5);
  });

  it('leaves out the deferral tiers, whose records wait for their cooldown on purpose', async () => {
    const admin = adminWith({
      'refresher.deferred.600s': { at: 0, end: 34 },
      'company-touches': { at: 3, end: 4 },
    });
    expect(await backlog(admin, ['refresher.discover'])).toBe(0);
  });
});
