/**
 * Guarantees 3 and 5 at the provider, counted in the provider's own request log: a provider
 * failing with 500s is retried with one idempotency key until it answers, and billed once; a
 * provider failing everything opens the enricher's circuit end to end, nothing is dead-lettered
 * meanwhile, and once it recovers the group is saved and paid for once.
 */
import { requireStack, serviceUrl, withDatabase } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import {
  createCompany,
  createWorkspace,
  operations,
  provider,
  providerRequests,
  refreshLogs,
  waitForGroup,
} from '../helpers/pipeline';

/** The enricher's `bgs_provider_circuit_state`: 0 closed, 1 half-open, 2 open. */
async function circuitState(): Promise<number | undefined> {
  const text = await (await fetch(`${serviceUrl('enricher')}/metrics`)).text();
  const line = /^bgs_provider_circuit_state(?:\{[^}]*\})? (\S+)$/m.exec(text);
  return line ? Number(line[1]) : undefined;
}

const enrichedWith = (companyId: string, description: string) =>
  waitForGroup(
    companyId,
    (g) => g.level === 'enrich' && [...g.members.values()].some((m) => m.enrichment !== null),
    description,
    120_000,
  );

async function enrichCompany(): Promise<string> {
  return withDatabase(async (db) => {
    const workspace = await createWorkspace(db, { changeLevel: 'enrich', cooldownSeconds: 0 });
    return (await createCompany(db, workspace)).companyId;
  });
}

describe('a failing provider', () => {
  beforeAll(requireStack);
  afterEach(() =>
    provider.faults({ failRate: 0, latencyMs: 0, failNext: { count: 0, status: 500 } }),
  );

  it('is retried with the same key until it recovers; the group is saved and billed once', async () => {
    // Three attempts in the adapter, then the 2 s retry tier: the fifth attempt succeeds.
    await provider.faults({ failNext: { count: 4, status: 500 } });
    const companyId = await enrichCompany();
    const saved = await enrichedWith(companyId, 'the enriched group saved');

    await withDatabase(async (db) => {
      const requests = await providerRequests(db, companyId);
      expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(1);
      expect(requests.map((r) => r.outcome)).toEqual([
        'fault',
        'fault',
        'fault',
        'fault',
        'billed',
      ]);
      const paid = await operations(db, companyId, 'enrich');
      expect(paid).toHaveLength(1);
      expect(paid[0]?.status).toBe('completed');
      expect(paid[0]?.costUsd).toBeCloseTo(2.4);
      const logs = await refreshLogs(db, companyId);
      expect(logs.filter((l) => l.generation === saved.generation)).toHaveLength(1);
    });
  });

  it('opens the circuit when everything fails, and saves and bills once when it recovers', async () => {
    await provider.faults({ failRate: 1, failStatus: 503 });
    const companyId = await enrichCompany();
    await waitFor(async () => ((await circuitState()) === 2 ? true : undefined), {
      description: "the enricher's circuit open",
      timeoutMs: 60_000,
    });
    // While open, calls fail fast in the enricher: the provider sees none for this company.
    const whileOpen = await withDatabase((db) => providerRequests(db, companyId));
    expect(whileOpen.every((r) => r.outcome === 'fault')).toBe(true);
    expect(whileOpen.length).toBeGreaterThanOrEqual(1);

    await provider.faults({ failRate: 0 });
    await enrichedWith(companyId, 'the enriched group saved after the provider recovered');
    expect(await circuitState()).toBe(0);
    await withDatabase(async (db) => {
      const requests = await providerRequests(db, companyId);
      expect(requests.filter((r) => r.outcome === 'billed')).toHaveLength(1);
      expect(new Set(requests.map((r) => r.idempotencyKey)).size).toBe(1);
      expect(await operations(db, companyId, 'enrich')).toHaveLength(1);
    });
  }, 180_000);
});
