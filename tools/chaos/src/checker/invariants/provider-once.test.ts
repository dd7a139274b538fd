import { evaluateProviderOnce, retriesOf, type ProviderRequestRow } from './provider-once';

let nextId = 0;
const row = (
  idempotencyKey: string,
  outcome: string,
  extra: Partial<ProviderRequestRow> = {},
): ProviderRequestRow => {
  nextId += 1;
  return {
    id: String(nextId),
    receivedAt: 1_000 + nextId,
    operation: 'enrich',
    idempotencyKey,
    companyId: 'c1',
    peopleDigest: 'd1',
    status: outcome === 'fault' ? 503 : 200,
    outcome,
    ...extra,
  };
};

describe('evaluateProviderOnce', () => {
  it('reports a missing request log as a note with nothing checked', () => {
    const { result, providerRetries } = evaluateProviderOnce({ rows: null, sentPeople: new Map() });
    expect(result).toMatchObject({ name: 'provider-once', checked: 0, violations: [] });
    expect(result.notes?.[0]).toContain('does not exist');
    expect(providerRetries).toBe(0);
  });

  it('passes one billed row per key, with replays of it', () => {
    const rows = [
      row('k1', 'billed'),
      row('k1', 'replayed'),
      row('k2', 'billed', { peopleDigest: 'd2' }),
    ];
    const { result } = evaluateProviderOnce({ rows, sentPeople: new Map() });
    expect(result).toEqual({ name: 'provider-once', checked: 2, violations: [] });
  });

  it('reports a key billed twice', () => {
    const rows = [row('k1', 'billed'), row('k1', 'billed')];
    const { result } = evaluateProviderOnce({ rows, sentPeople: new Map() });
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.detail).toContain('idempotency key k1 billed 2 times');
  });

  it('reports two keys billed for the same people when the sent input was the same', () => {
    const rows = [row('k1', 'billed'), row('k2', 'billed')];
    const same = new Map([
      ['k1', '[{"personId":"p1","title":"CTO"}]'],
      ['k2', '[{"personId":"p1","title":"CTO"}]'],
    ]);
    const { result } = evaluateProviderOnce({ rows, sentPeople: same });
    expect(result.violations[0]?.detail).toContain('billed under 2 keys: k1, k2');
  });

  it('reports two billed keys for the same people when the ledger cannot tell them apart', () => {
    const rows = [row('k1', 'billed'), row('k2', 'billed')];
    const { result } = evaluateProviderOnce({ rows, sentPeople: new Map() });
    expect(result.violations).toHaveLength(1);
  });

  it('notes a re-purchase of the same people after their details changed', () => {
    const rows = [row('k1', 'billed'), row('k2', 'billed')];
    const changed = new Map([
      ['k1', '[{"personId":"p1","title":"CTO"}]'],
      ['k2', '[{"personId":"p1","title":"CEO"}]'],
    ]);
    const { result } = evaluateProviderOnce({ rows, sentPeople: changed });
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual([
      '1 re-purchases of the same people after their details changed (new input)',
    ]);
  });

  it('counts requests after a fault as retries, not violations', () => {
    const rows = [
      row('k1', 'fault'),
      row('k1', 'error'),
      row('k1', 'billed'),
      row('k2', 'billed', { peopleDigest: 'd2' }),
    ];
    const { result, providerRetries } = evaluateProviderOnce({ rows, sentPeople: new Map() });
    expect(result.violations).toEqual([]);
    expect(providerRetries).toBe(2);
  });
});

describe('retriesOf', () => {
  it('counts the rows after the first failure, in arrival order', () => {
    const later = row('k', 'billed', { receivedAt: 50 });
    const fault = row('k', 'fault', { receivedAt: 10 });
    const before = row('k', 'replayed', { receivedAt: 5 });
    expect(retriesOf([later, fault, before])).toBe(1);
    expect(retriesOf([later, before])).toBe(0);
  });
});
