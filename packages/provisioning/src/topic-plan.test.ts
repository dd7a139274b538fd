import type { TopicDeclaration } from '@bgs/platform';
import { isWarning } from './progress';
import {
  TopicDriftError,
  checkPartitionCount,
  configDifferences,
  configEntries,
  replicaCountOf,
  underReplicationWarning,
} from './topic-plan';

const declaration: TopicDeclaration = {
  name: 'person-changes',
  partitions: 6,
  config: { 'cleanup.policy': 'delete' },
  description: 'test',
};

describe('checkPartitionCount', () => {
  it('passes the declared count and refuses any other, naming both', () => {
    expect(() => checkPartitionCount(declaration, 6)).not.toThrow();
    expect(() => checkPartitionCount(declaration, 12)).toThrow(TopicDriftError);
    expect(() => checkPartitionCount(declaration, 3)).toThrow(
      'topic person-changes has 3 partitions, the catalogue declares 6',
    );
  });
});

describe('replicaCountOf', () => {
  it("is the least replicated partition's count", () => {
    expect(
      replicaCountOf([{ replicas: [1, 2, 3] }, { replicas: [2, 3] }, { replicas: [3, 1, 2] }]),
    ).toBe(2);
    expect(replicaCountOf([{ replicas: [1] }])).toBe(1);
    expect(replicaCountOf([])).toBe(0);
  });
});

describe('underReplicationWarning', () => {
  it('says nothing when the topic has the replicas wanted, or more', () => {
    expect(underReplicationWarning('t', 3, 3)).toBeUndefined();
    expect(underReplicationWarning('t', 3, 2)).toBeUndefined();
  });

  it('warns about fewer, naming topic, counts and how to raise them', () => {
    const line = underReplicationWarning('person-changes', 1, 3) ?? '';
    expect(isWarning(line)).toBe(true);
    expect(line).toContain('topic person-changes has 1 replica(s), 3 wanted');
    expect(line).toContain('never moves data');
    expect(line).toContain('kafka-reassign-partitions');
  });
});

describe('configDifferences', () => {
  const wanted = { 'cleanup.policy': 'delete', 'min.insync.replicas': '2' };

  it('names the entries whose value differs or is missing', () => {
    const actual = new Map([['cleanup.policy', 'compact']]);
    expect(configDifferences(wanted, actual)).toEqual(['cleanup.policy', 'min.insync.replicas']);
  });

  it('ignores what the topic has beyond the wanted entries', () => {
    const actual = new Map([
      ['cleanup.policy', 'delete'],
      ['min.insync.replicas', '2'],
      ['segment.bytes', '1073741824'],
    ]);
    expect(configDifferences(wanted, actual)).toEqual([]);
  });
});

describe('configEntries', () => {
  it("is kafkajs's name/value list", () => {
    expect(configEntries({ a: '1', b: '2' })).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
  });
});
