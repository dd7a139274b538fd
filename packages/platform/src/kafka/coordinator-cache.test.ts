import {
  cacheGroupCoordinators,
  resetCoordinatorCacheForTests,
  usableCoordinator,
} from './coordinator-cache';

const broker = (connected = true) => ({ isConnected: () => connected });

describe('usableCoordinator', () => {
  it('uses a cached coordinator only while it is fresh and its connection is up', () => {
    const up = broker();
    expect(usableCoordinator({ broker: up, until: 100 }, 99)).toBe(up);
    expect(usableCoordinator({ broker: up, until: 100 }, 100)).toBeUndefined();
    expect(usableCoordinator({ broker: broker(false), until: 100 }, 0)).toBeUndefined();
    expect(usableCoordinator(undefined, 0)).toBeUndefined();
  });
});

describe('cacheGroupCoordinators', () => {
  afterEach(resetCoordinatorCacheForTests);

  /** A Cluster stand-in that counts the lookups it really makes. */
  function fakeCluster() {
    const lookups: string[] = [];
    class Cluster {
      async findGroupCoordinator({
        groupId,
        coordinatorType = 0,
      }: {
        groupId: string;
        coordinatorType?: number;
      }) {
        lookups.push(`${coordinatorType}:${groupId}`);
        return broker();
      }
    }
    return { Cluster, lookups };
  }

  it('asks the cluster once per group and coordinator type until the answer expires', async () => {
    const { Cluster, lookups } = fakeCluster();
    let clock = 0;
    cacheGroupCoordinators(Cluster, 1_000, () => clock);
    const cluster = new Cluster();
    await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
    await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
    await cluster.findGroupCoordinator({ groupId: 'tx' });
    await cluster.findGroupCoordinator({ groupId: 'other', coordinatorType: 1 });
    expect(lookups).toEqual(['1:tx', '0:tx', '1:other']);
    clock = 1_000;
    await cluster.findGroupCoordinator({ groupId: 'tx', coordinatorType: 1 });
    expect(lookups).toEqual(['1:tx', '0:tx', '1:other', '1:tx']);
  });

  it('keeps one cache per cluster: another client looks up for itself', async () => {
    const { Cluster, lookups } = fakeCluster();
    cacheGroupCoordinators(Cluster, 1_000, () => 0);
    await new Cluster().findGroupCoordinator({ groupId: 'g' });
    await new Cluster().findGroupCoordinator({ groupId: 'g' });
    expect(lookups).toEqual(['0:g', '0:g']);
  });
});
