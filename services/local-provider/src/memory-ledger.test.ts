import { PRICE_USD, peopleDigest, type PaidCall } from './ledger';
import { LruMap } from './lru';
import { MemoryLedger } from './memory-ledger';

const call = (key: string, overrides: Partial<PaidCall> = {}): PaidCall => ({
  receivedAt: new Date(),
  operation: 'enrich',
  idempotencyKey: key,
  companyId: 'c-1',
  peopleDigest: peopleDigest(['p-1']),
  requestDigest: 'f',
  costUsd: PRICE_USD.enrich,
  ...overrides,
});

describe('LruMap', () => {
  it('forgets the least recently used entry beyond its limit', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    map.get('a');
    map.set('c', 3);
    expect(map.toEntries()).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(map.size).toBe(2);
  });
});

describe('MemoryLedger', () => {
  it('produces and bills once per key, replaying the first reply', async () => {
    const ledger = new MemoryLedger();
    const produce = jest.fn(async () => ({ n: 1 }));
    expect(await ledger.once(call('k'), produce)).toEqual({ kind: 'fresh', reply: { n: 1 } });
    expect(await ledger.once(call('k'), produce)).toEqual({ kind: 'replayed', reply: { n: 1 } });
    expect(produce).toHaveBeenCalledTimes(1);
    expect(await ledger.stats()).toMatchObject({
      billableCalls: 1,
      billableByOperation: { enrich: 1, research: 0 },
    });
    expect(ledger.records().map((r) => [r.outcome, r.costUsd])).toEqual([
      ['billed', 2.4],
      ['replayed', 0],
    ]);
  });

  it('lets concurrent repeats of a key wait for the first instead of producing again', async () => {
    const ledger = new MemoryLedger();
    let release!: (value: unknown) => void;
    const produce = jest.fn(() => new Promise((resolve) => (release = resolve)));
    const research = call('k', { operation: 'research' });
    const first = ledger.once(research, produce);
    const second = ledger.once(research, produce);
    release({ done: true });
    expect(await first).toEqual({ kind: 'fresh', reply: { done: true } });
    expect(await second).toEqual({ kind: 'replayed', reply: { done: true } });
    expect(produce).toHaveBeenCalledTimes(1);
    expect((await ledger.stats()).billableCalls).toBe(1);
  });

  it('neither keeps, bills nor logs a failed call, so a retry with the key tries again', async () => {
    const ledger = new MemoryLedger();
    await expect(
      ledger.once(call('k'), () => Promise.reject(new Error('db down'))),
    ).rejects.toThrow('db down');
    expect((await ledger.stats()).billableCalls).toBe(0);
    expect(ledger.records()).toEqual([]);
    expect(await ledger.once(call('k'), async () => 'ok')).toEqual({ kind: 'fresh', reply: 'ok' });
  });

  it('refuses a key reused for another operation or another request, and logs the 409', async () => {
    const ledger = new MemoryLedger();
    await ledger.once(call('k'), async () => 'ok');
    expect(await ledger.once(call('k', { operation: 'research' }), async () => 'x')).toEqual({
      kind: 'conflict',
      operation: 'enrich',
    });
    expect(await ledger.once(call('k', { requestDigest: 'other' }), async () => 'x')).toEqual({
      kind: 'conflict',
      operation: 'enrich',
    });
    expect((await ledger.stats()).billableCalls).toBe(1);
    expect(ledger.records().map((r) => [r.status, r.outcome])).toEqual([
      [200, 'billed'],
      [409, 'rejected'],
      [409, 'rejected'],
    ]);
  });

  it('counts well-formed requests per key, and keeps only the newest keys', async () => {
    const ledger = new MemoryLedger({ replies: 10, keys: 2, records: 100 });
    for (const key of ['a', 'b', 'c']) {
      await ledger.record({ ...call(key), status: 503, outcome: 'fault', costUsd: 0 });
      // Refused before the body was read: not a request of the key's.
      await ledger.record({
        ...call(key),
        companyId: null,
        peopleDigest: null,
        status: 401,
        outcome: 'rejected',
        costUsd: 0,
      });
      await ledger.once(call(key), async () => key);
    }
    expect((await ledger.stats()).byKey).toEqual({
      b: { operation: 'enrich', billed: 1, requests: 2 },
      c: { operation: 'enrich', billed: 1, requests: 2 },
    });
    expect((await ledger.stats()).billableCalls).toBe(3);
  });

  it('bounds the remembered replies; a forgotten key is billed again', async () => {
    const ledger = new MemoryLedger({ replies: 1, keys: 10, records: 100 });
    await ledger.once(call('a'), async () => 1);
    await ledger.once(call('b'), async () => 2);
    expect((await ledger.once(call('a'), async () => 1)).kind).toBe('fresh');
    expect((await ledger.stats()).billableCalls).toBe(3);
  });

  it('bounds the request log it keeps to the newest rows', async () => {
    const ledger = new MemoryLedger({ replies: 10, keys: 10, records: 2 });
    for (const key of ['a', 'b', 'c']) await ledger.once(call(key), async () => key);
    expect(ledger.records().map((r) => r.idempotencyKey)).toEqual(['b', 'c']);
  });

  it('reset starts the counts again but keeps the replies: a kept key is not billed twice', async () => {
    const ledger = new MemoryLedger();
    ledger.countRequest();
    await ledger.once(call('a'), async () => 1);
    await ledger.reset();
    expect(await ledger.stats()).toEqual({
      requests: 0,
      billableCalls: 0,
      billableByOperation: { enrich: 0, research: 0 },
      byKey: {},
    });
    expect(await ledger.once(call('a'), async () => 2)).toEqual({ kind: 'replayed', reply: 1 });
    expect((await ledger.stats()).billableCalls).toBe(0);
  });
});
