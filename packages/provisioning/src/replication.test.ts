import { topicCatalogue } from '@bgs/platform';
import {
  MIN_INSYNC_REPLICAS,
  ReplicationError,
  replicationFor,
  wantedTopicConfig,
} from './replication';

describe('replicationFor', () => {
  it.each([
    [1, 1, 1],
    [2, 2, 1],
    [3, 3, 2],
    [5, 3, 2],
  ])('on %i broker(s), unset, gives factor %i and min ISR %i', (brokers, factor, minIsr) => {
    expect(replicationFor(brokers, {})).toEqual({
      replicationFactor: factor,
      minInsyncReplicas: minIsr,
    });
  });

  it('takes the settings as given when the cluster can hold them', () => {
    expect(replicationFor(5, { replicationFactor: 5, minInsyncReplicas: 3 })).toEqual({
      replicationFactor: 5,
      minInsyncReplicas: 3,
    });
    // min ISR equal to the factor is allowed: durable, if one broker down stops acks=all writes
    expect(replicationFor(3, { minInsyncReplicas: 3 })).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 3,
    });
  });

  it('derives the min ISR from an explicit factor', () => {
    expect(replicationFor(5, { replicationFactor: 4 }).minInsyncReplicas).toBe(3);
    expect(replicationFor(3, { replicationFactor: 1 }).minInsyncReplicas).toBe(1);
  });

  it('refuses a factor above the broker count, naming the variable, values and the way out', () => {
    const attempt = () => replicationFor(1, { replicationFactor: 3 });
    expect(attempt).toThrow(ReplicationError);
    expect(attempt).toThrow(
      /TOPIC_REPLICATION_FACTOR is 3 but the cluster has 1 broker.*at most 1, or leave it unset/,
    );
  });

  it('refuses a min ISR above the factor, naming both variables and the way out', () => {
    const attempt = () => replicationFor(3, { replicationFactor: 2, minInsyncReplicas: 3 });
    expect(attempt).toThrow(ReplicationError);
    expect(attempt).toThrow(
      /TOPIC_MIN_INSYNC_REPLICAS is 3 but TOPIC_REPLICATION_FACTOR is 2,.*at most 2/,
    );
    // with the factor derived from the brokers, it says so
    expect(() => replicationFor(1, { minInsyncReplicas: 2 })).toThrow(
      'TOPIC_REPLICATION_FACTOR is 1 (unset: min(3, brokers))',
    );
  });

  it('refuses a cluster without brokers', () => {
    expect(() => replicationFor(0, {})).toThrow(ReplicationError);
  });
});

describe('wantedTopicConfig', () => {
  const declared = { 'cleanup.policy': 'delete', 'retention.ms': '604800000' };

  it('adds the min ISR to the declared config, as a string', () => {
    expect(wantedTopicConfig(declared, 2, 3)).toEqual({ ...declared, [MIN_INSYNC_REPLICAS]: '2' });
  });

  it('caps it at the replicas of a topic created with fewer, so acks=all can still write', () => {
    expect(wantedTopicConfig(declared, 2, 1)[MIN_INSYNC_REPLICAS]).toBe('1');
    expect(wantedTopicConfig(declared, 3, 2)[MIN_INSYNC_REPLICAS]).toBe('2');
  });

  it('puts the computed value over a declared one', () => {
    expect(wantedTopicConfig({ [MIN_INSYNC_REPLICAS]: '3' }, 2, 3)).toEqual({
      [MIN_INSYNC_REPLICAS]: '2',
    });
  });

  it('is never asked to: the catalogue declares no min ISR of its own', () => {
    expect(topicCatalogue.filter((t) => MIN_INSYNC_REPLICAS in t.config)).toEqual([]);
  });
});
