import { Headers, type BuyerGroupWorkRecord, type StageRecord } from '@bgs/platform';
import { Registry } from 'prom-client';
import type { BuyerGroupStore, SaveOutcome } from './buyer-group-store';
import { createSinkMetrics } from './metrics';
import { createSaveHandler, earlierByCompany } from './save-handler';

const work = (companyId: string): BuyerGroupWorkRecord => ({
  companyId,
  workspaceId: 'ws-1',
  generation: 7,
  level: 'identify',
  reason: 'title changed',
  triggeredBy: 'webhook:acme:evt_1',
  origins: [{ ref: 'webhook:acme:evt_1', occurredAt: 1_000 }],
  originCount: 1,
  discoveredAt: 2_000,
  confidence: 5,
  cohesion: 5,
  status: 'ready',
  costUsd: 0,
  companySummary: null,
  members: [],
});

const record = (value: BuyerGroupWorkRecord, headers: Record<string, string>) =>
  ({
    topic: 'buyer-group.discovered',
    partition: 0,
    offset: '7',
    key: value.companyId,
    value,
    headers,
    timestamp: 0,
    attempt: 0,
  }) satisfies StageRecord<BuyerGroupWorkRecord>;

function handlerSavingAll() {
  const registry = new Registry();
  const metrics = createSinkMetrics(registry);
  const store: BuyerGroupStore = {
    saveBatch: async (requests) =>
      requests.map((request): SaveOutcome => ({
        kind: 'saved',
        work: request.work,
        previousGeneration: null,
        diff: { added: [], removed: [], roleChanged: [] },
        savedAt: 61_000,
      })),
  };
  const codec = { topic: 't', encode: async () => Buffer.from('x'), decode: async () => ({}) };
  const handler = createSaveHandler({
    store,
    stateCodec: codec as never,
    changeCodec: codec as never,
    failpoints: { reach: async () => undefined },
    metrics,
  });
  const observed = async (): Promise<number> => {
    const text = await registry.getSingleMetricAsString('bgs_freshness_seconds');
    return Number(/^bgs_freshness_seconds_count (\d+)$/m.exec(text)?.[1] ?? 0);
  };
  return { handler, observed };
}

describe('the save handler and the freshness measure', () => {
  it('measures live work, and leaves replayed work out while still passing its replay mark on', async () => {
    const { handler, observed } = handlerSavingAll();
    await handler([record(work('co-live'), { traceparent: 't' })]);
    expect(await observed()).toBe(1);

    const outputs = await handler([
      record(work('co-replayed'), { traceparent: 't', [Headers.replay]: 'evt_1' }),
    ]);
    expect(await observed()).toBe(1);
    expect(outputs.map((o) => o.headers)).toEqual([
      { traceparent: 't', [Headers.replay]: 'evt_1' },
    ]);
  });
});

describe('earlierByCompany', () => {
  it('folds each older generation once, however often the batch holds it', () => {
    const at = (generation: number) => record({ ...work('co-1'), generation }, {});
    const newest = at(9);
    const earlier = earlierByCompany([at(7), at(8), at(7), newest, at(8)], [newest]);
    expect(earlier.get('co-1')?.map((r) => r.value.generation)).toEqual([7, 8]);
  });
});
