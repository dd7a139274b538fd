import type { BuyerGroupWorkRecord } from '../kafka/records';
import { newestPerCompany } from './newest-work';
import type { StageRecord } from './stage-consumer';

const record = (companyId: string, generation: number): StageRecord<BuyerGroupWorkRecord> => ({
  topic: 't',
  partition: 0,
  offset: String(generation),
  key: companyId,
  headers: {},
  timestamp: 0,
  attempt: 0,
  value: {
    companyId,
    workspaceId: 'w',
    generation,
    level: 'identify',
    reason: '',
    triggeredBy: '',
    origins: [{ ref: `${companyId}-${generation}`, occurredAt: generation }],
    originCount: 1,
    discoveredAt: 0,
    confidence: 0,
    cohesion: 0,
    status: 'ready',
    costUsd: 0,
    companySummary: null,
    members: [],
  },
});

describe('newestPerCompany', () => {
  it('keeps the newest generation of each company, with the origins of those it supersedes', () => {
    const kept = newestPerCompany([record('a', 3), record('b', 1), record('a', 5), record('a', 4)]);
    expect(kept.map((r) => [r.value.companyId, r.value.generation])).toEqual([
      ['a', 5],
      ['b', 1],
    ]);
    expect(kept[0]?.value.originCount).toBe(3);
    expect(kept[0]?.value.origins.map((o) => o.ref).sort()).toEqual(['a-3', 'a-4', 'a-5']);
  });

  it('folds a redelivered copy of a generation once: its origins are not counted twice', () => {
    const kept = newestPerCompany([record('a', 3), record('a', 5), record('a', 3), record('a', 5)]);
    expect(kept).toHaveLength(1);
    expect(kept[0]?.value.generation).toBe(5);
    expect(kept[0]?.value.originCount).toBe(2);
    expect(kept[0]?.value.origins.map((o) => o.ref).sort()).toEqual(['a-3', 'a-5']);
  });
});
