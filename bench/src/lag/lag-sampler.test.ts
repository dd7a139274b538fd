import { groupLag, isPipelineGroup, LagSampler, type LagAdmin } from './lag-sampler';

describe('groupLag', () => {
  const highs = new Map([
    [
      'people-cdc',
      new Map([
        [0, 100],
        [1, 50],
      ]),
    ],
    ['company-touches', new Map([[0, 10]])],
  ]);

  it('sums high watermark minus committed offset over partitions and topics', () => {
    const committed = [
      {
        topic: 'people-cdc',
        partitions: [
          { partition: 0, offset: '90' },
          { partition: 1, offset: '50' },
        ],
      },
      { topic: 'company-touches', partitions: [{ partition: 0, offset: '4' }] },
    ];
    expect(groupLag(committed, highs)).toBe(10 + 0 + 6);
  });

  it('leaves out partitions never committed, and topics it has no watermark of', () => {
    const committed = [
      {
        topic: 'people-cdc',
        partitions: [
          { partition: 0, offset: '-1' },
          { partition: 1, offset: '45' },
        ],
      },
      { topic: 'elsewhere', partitions: [{ partition: 0, offset: '1' }] },
    ];
    expect(groupLag(committed, highs)).toBe(5);
  });
});

describe('isPipelineGroup', () => {
  it('leaves out the demo and bench groups', () => {
    expect(isPipelineGroup('bgs-refresher')).toBe(true);
    expect(isPipelineGroup('bgs-demo-lx2k-a1b2c3')).toBe(false);
    expect(isPipelineGroup('bgs-bench-watch')).toBe(false);
  });
});

/** An admin whose committed offsets the test moves between samples. */
function fakeAdmin(committed: Map<string, number>, high: number) {
  const listGroups = jest.fn(async () => ({
    groups: ['bgs-sink', 'bgs-enricher', 'bgs-demo-x'].map((groupId) => ({
      groupId,
      protocolType: 'consumer',
    })),
  }));
  const admin: LagAdmin = {
    listGroups,
    fetchOffsets: async ({ groupId }) => [
      {
        topic: 't',
        partitions: [
          { partition: 0, offset: String(committed.get(groupId) ?? -1), metadata: null },
        ],
      },
    ],
    fetchTopicOffsets: async () => [
      { partition: 0, offset: String(high), high: String(high), low: '0' },
    ],
  };
  return { admin, listGroups };
}

describe('LagSampler', () => {
  it('keeps each pipeline group’s peak lag across samples', async () => {
    const committed = new Map([
      ['bgs-sink', 90],
      ['bgs-enricher', 100],
      ['bgs-demo-x', 0],
    ]);
    const { admin } = fakeAdmin(committed, 100);
    const sampler = new LagSampler(admin, { intervalMs: 60_000 });
    sampler.start();
    await sampler.sample();
    committed.set('bgs-sink', 60).set('bgs-enricher', 97);
    await sampler.sample();
    committed.set('bgs-sink', 100).set('bgs-enricher', 100);
    expect(await sampler.stop()).toEqual({ 'bgs-sink': 40, 'bgs-enricher': 3 });
  });

  it('samples only the groups it is given', async () => {
    const { admin, listGroups } = fakeAdmin(new Map([['bgs-sink', 95]]), 100);
    const sampler = new LagSampler(admin, { groups: ['bgs-sink'] });
    expect(await sampler.stop()).toEqual({ 'bgs-sink': 5 });
    expect(listGroups).not.toHaveBeenCalled();
  });

  it('skips a failed sample and says so', async () => {
    const errors: unknown[] = [];
    const admin: LagAdmin = {
      listGroups: async () => {
        throw new Error('broker busy');
      },
      fetchOffsets: async () => [],
      fetchTopicOffsets: async () => [],
    };
    const sampler = new LagSampler(admin, { onError: (e) => errors.push(e) });
    expect(await sampler.stop()).toEqual({});
    expect(sampler.failedSamples).toBe(1);
    expect(errors).toHaveLength(1);
  });
});
