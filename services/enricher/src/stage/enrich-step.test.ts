import type { BuyerGroupWorkRecord, StageRecord, TopicCodec } from '@bgs/platform';
import {
  DEFAULT_LEVEL_COSTS_USD,
  ENRICHMENT_LEVELS,
  isPaidLevel,
  stageCosts,
  stagesFor,
} from '@bgs/domain';
import type { EnrichmentProvider } from '../provider/port';
import { createEnrichStep, paidStepsOf } from './enrich-step';
import type { PaidOperation, PaidOperations } from './paid-operations';
import type { SpendMetrics } from './spend-metrics';
import type { WorkspaceCosts } from './workspace-costs';

const work = (
  companyId: string,
  level: string,
  generation = 1,
  workspaceId = 'ws-1',
): BuyerGroupWorkRecord => ({
  companyId,
  workspaceId,
  generation,
  level,
  reason: 'test',
  triggeredBy: 'cdc',
  origins: [],
  originCount: 1,
  discoveredAt: 0,
  confidence: 5,
  cohesion: 5,
  status: 'ready',
  costUsd: 0.1,
  companySummary: null,
  members: [
    {
      personId: 'p-1',
      fullName: 'Ada',
      title: 'CTO',
      department: 'engineering',
      seniority: 'c_level',
      role: 'decision_maker',
      score: 9,
      rationale: 'CTO',
      enrichment: null,
      research: null,
    },
  ],
});

const record = (
  value: BuyerGroupWorkRecord,
  offset: number,
): StageRecord<BuyerGroupWorkRecord> => ({
  topic: 'buyer-group.discovered',
  partition: 0,
  offset: String(offset),
  key: value.companyId,
  value,
  headers: {},
  timestamp: 0,
  attempt: 0,
});

interface HarnessOptions {
  readonly budgetsUsd?: ReadonlyMap<string, number>;
}

/**
 * What the hop did, counted where it happens: the provider's calls, the records it wrote, and
 * what it reported as spent and as budgets.
 */
function harness(options: HarnessOptions = {}) {
  const calls: string[] = [];
  const provider: EnrichmentProvider = {
    async enrichContacts(request) {
      calls.push(`enrich:${request.companyId}`);
      return {
        contacts: request.people.map((p) => ({
          personId: p.personId,
          email: 'a@x.test',
          phone: null,
          linkedinUrl: null,
          verified: true,
        })),
      };
    },
    async research(request) {
      calls.push(`research:${request.companyId}`);
      return {
        companySummary: 'summary',
        insights: request.people.map((p) => ({
          personId: p.personId,
          summary: 's',
          priorities: [],
        })),
      };
    },
  };
  // A ledger in memory: a key completed once is reused, as pipeline_operations does.
  const ledger = new Map<string, unknown>();
  const paid: PaidOperations = {
    async runOnce<T>(op: PaidOperation<T>) {
      if (ledger.has(op.key)) {
        return { output: ledger.get(op.key) as T, costUsd: op.costUsd, calledNow: false };
      }
      const output = await op.call();
      ledger.set(op.key, output);
      return { output, costUsd: op.costUsd, calledNow: true };
    },
  };
  const costs: WorkspaceCosts = {
    async forWorkspaces() {
      return Object.assign(new Map(), {
        defaults: DEFAULT_LEVEL_COSTS_USD,
        budgetsUsd: options.budgetsUsd ?? new Map<string, number>(),
      });
    },
  };
  const spent: [string, number][] = [];
  const budgets: [readonly string[], ReadonlyMap<string, number>][] = [];
  const spend: SpendMetrics = {
    spent: (workspaceId, costUsd) => spent.push([workspaceId, costUsd]),
    budgetsLoaded: (ids, budgetsUsd) => budgets.push([ids, budgetsUsd]),
  };
  const written: BuyerGroupWorkRecord[] = [];
  const output: TopicCodec<BuyerGroupWorkRecord> = {
    topic: 'buyer-group.researched',
    async encode(value) {
      written.push(value);
      return Buffer.from(value.companyId);
    },
    async decode() {
      throw new Error('not used');
    },
  };
  return {
    calls,
    written,
    spent,
    budgets,
    handle: createEnrichStep({ provider, paid, costs, output, spend }),
  };
}

describe('paidStepsOf', () => {
  it('buys nothing for identify, enrich for enrich, and enrich then research for deep_research', () => {
    expect(paidStepsOf('identify')).toEqual([]);
    expect(paidStepsOf('enrich')).toEqual(['enrich']);
    expect(paidStepsOf('deep_research')).toEqual(['enrich', 'research']);
    expect(paidStepsOf('something-else')).toEqual([]);
  });

  it("buys exactly the domain's stages between discover and save, for every level", () => {
    for (const level of ENRICHMENT_LEVELS) {
      const between = stagesFor(level).filter((stage) => stage !== 'discover' && stage !== 'save');
      expect({ level, steps: paidStepsOf(level) }).toEqual({ level, steps: between });
      expect({ level, pays: paidStepsOf(level).length > 0 }).toEqual({
        level,
        pays: isPaidLevel(level),
      });
    }
  });
});

describe('the enricher hop', () => {
  it('passes an identify group on to the sink untouched, calling nobody', async () => {
    const h = harness();
    const outputs = await h.handle([record(work('co-1', 'identify'), 1)]);
    expect(h.calls).toEqual([]);
    expect(outputs.map((o) => o.topic)).toEqual(['buyer-group.researched']);
    expect(h.written[0]?.members[0]?.enrichment).toBeNull();
  });

  it('buys enrich, then research on the enriched group, in one hop for deep_research', async () => {
    const h = harness();
    await h.handle([record(work('co-1', 'deep_research'), 1)]);
    expect(h.calls).toEqual(['enrich:co-1', 'research:co-1']);
    const saved = h.written[0];
    expect(saved?.members[0]?.enrichment).toContain('a@x.test');
    expect(saved?.members[0]?.research).toContain('summary');
    expect(saved?.companySummary).toBe('summary');
    expect(saved?.costUsd).toBeCloseTo(DEFAULT_LEVEL_COSTS_USD.deep_research, 5);
  });

  it('buys only for the newest group of a company in a batch', async () => {
    const h = harness();
    const outputs = await h.handle([
      record(work('co-1', 'enrich', 1), 1),
      record(work('co-1', 'enrich', 2), 2),
      record(work('co-2', 'identify', 3), 3),
    ]);
    expect(h.calls).toEqual(['enrich:co-1']);
    expect(h.written.map((w) => [w.companyId, w.generation])).toEqual([
      ['co-1', 2],
      ['co-2', 3],
    ]);
    expect(outputs).toHaveLength(2);
  });

  it('counts the price of each purchase bought now against its workspace', async () => {
    const h = harness();
    await h.handle([
      record(work('co-1', 'deep_research', 1, 'ws-1'), 1),
      record(work('co-2', 'enrich', 2, 'ws-2'), 2),
      record(work('co-3', 'identify', 3, 'ws-3'), 3),
    ]);
    const prices = stageCosts(DEFAULT_LEVEL_COSTS_USD);
    expect(h.spent).toEqual([
      ['ws-1', prices.enrich],
      ['ws-2', prices.enrich],
      ['ws-1', prices.research],
    ]);
  });

  it('counts nothing again for purchases reused from the ledger on a redelivery', async () => {
    const h = harness();
    await h.handle([record(work('co-1', 'deep_research'), 1)]);
    await h.handle([record(work('co-1', 'deep_research'), 1)]);
    expect(h.calls).toEqual(['enrich:co-1', 'research:co-1']);
    expect(h.spent.map(([workspace]) => workspace)).toEqual(['ws-1', 'ws-1']);
  });

  it('reports the budgets loaded for the paying workspaces of the batch', async () => {
    const budgetsUsd = new Map([['ws-1', 100]]);
    const h = harness({ budgetsUsd });
    await h.handle([
      record(work('co-1', 'enrich', 1, 'ws-1'), 1),
      record(work('co-2', 'enrich', 2, 'ws-2'), 2),
      record(work('co-3', 'identify', 3, 'ws-3'), 3),
    ]);
    expect(h.budgets).toEqual([[['ws-1', 'ws-2'], budgetsUsd]]);
  });
});
