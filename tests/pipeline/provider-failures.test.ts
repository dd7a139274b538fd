/**
 * Guarantees 3 and 5 at the provider: it fails with 500s and then recovers; the group is saved
 * once, and the paid call is made and counted once.
 */
import { requireStack, withDatabase } from '../helpers/stack';
import {
  createCompany,
  createWorkspace,
  operations,
  provider,
  refreshLogs,
  waitForGroup,
} from '../helpers/pipeline';

describe('a failing provider', () => {
  beforeAll(requireStack);
  afterEach(() => provider.reset());

  it('is retried until it recovers; the group is saved and paid for once', async () => {
    await provider.reset();
    // Three attempts in the adapter, then the 2 s retry tier: the fifth attempt succeeds.
    await provider.faults({ failNext: { count: 4, status: 500 } });
    const companyId = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db, { changeLevel: 'enrich', cooldownSeconds: 0 });
      return (await createCompany(db, workspace)).companyId;
    });
    const saved = await waitForGroup(
      companyId,
      (g) => g.level === 'enrich' && [...g.members.values()].some((m) => m.enrichment !== null),
      'the enriched group saved',
    );
    const stats = await provider.stats();
    const keys = Object.entries(stats.byKey).filter(([key]) => key.includes(companyId));
    expect(keys).toHaveLength(1);
    expect(keys[0]?.[1].billed).toBe(1);
    expect(keys[0]?.[1].requests).toBeGreaterThanOrEqual(5);

    await withDatabase(async (db) => {
      const paid = await operations(db, companyId, 'enrich');
      expect(paid).toHaveLength(1);
      expect(paid[0]?.status).toBe('completed');
      expect(paid[0]?.costUsd).toBeCloseTo(2.4);
      const logs = await refreshLogs(db, companyId);
      const generations = logs.map((l) => l.generation);
      expect(new Set(generations).size).toBe(generations.length);
      expect(generations).toContain(saved.generation);
    });
  });
});
