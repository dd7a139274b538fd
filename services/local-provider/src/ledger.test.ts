import { Ledger } from './ledger';
import { LruMap } from './lru';

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

describe('Ledger', () => {
  it('produces and bills once per key, replaying the first reply', async () => {
    const ledger = new Ledger();
    const produce = jest.fn(async () => ({ n: 1 }));
    expect(await ledger.once('k', 'enrich', 'f', produce)).toEqual({
      kind: 'fresh',
      reply: { n: 1 },
    });
    expect(await ledger.once('k', 'enrich', 'f', produce)).toEqual({
      kind: 'replayed',
      reply: { n: 1 },
    });
    expect(produce).toHaveBeenCalledTimes(1);
    expect(ledger.stats()).toMatchObject({
      billableCalls: 1,
      billableByOperation: { enrich: 1, research: 0 },
    });
  });

  it('lets concurrent repeats of a key wait for the first instead of producing again', async () => {
    const ledger = new Ledger();
    let release!: (value: unknown) => void;
    const produce = jest.fn(() => new Promise((resolve) => (release = resolve)));
    const first = ledger.once('k', 'research', 'f', produce);
    const second = ledger.once('k', 'research', 'f', produce);
    release({ done: true });
    expect(await first).toEqual({ kind: 'fresh', reply: { done: true } });
    expect(await second).toEqual({ kind: 'replayed', reply: { done: true } });
    expect(produce).toHaveBeenCalledTimes(1);
    expect(ledger.stats().billableCalls).toBe(1);
  });

  it('neither keeps nor bills a failed call, so a retry with the key tries again', async () => {
    const ledger = new Ledger();
    await expect(
      ledger.once('k', 'enrich', 'f', () => Promise.reject(new Error('db down'))),
    ).rejects.toThrow('db down');
    expect(ledger.stats().billableCalls).toBe(0);
    expect(await ledger.once('k', 'enrich', 'f', async () => 'ok')).toEqual({
      kind: 'fresh',
      reply: 'ok',
    });
  });

  it('refuses a key reused for another operation or another request', async () => {
    const ledger = new Ledger();
    await ledger.once('k', 'enrich', 'f', async () => 'ok');
    expect(await ledger.once('k', 'research', 'f', async () => 'x')).toEqual({
      kind: 'conflict',
      operation: 'enrich',
    });
    expect(await ledger.once('k', 'enrich', 'other', async () => 'x')).toEqual({
      kind: 'conflict',
      operation: 'enrich',
    });
    expect(ledger.stats().billableCalls).toBe(1);
  });

  it('counts requests per key, and keeps only the newest keys', async () => {
    const ledger = new Ledger({ replies: 10, keys: 2 });
    for (const key of ['a', 'b', 'c']) {
      ledger.countKeyRequest(key, 'enrich');
      ledger.countKeyRequest(key, 'enrich');
      await ledger.once(key, 'enrich', 'f', async () => key);
    }
    expect(ledger.stats().byKey).toEqual({
      b: { operation: 'enrich', billed: 1, requests: 2 },
      c: { operation: 'enrich', billed: 1, requests: 2 },
    });
    expect(ledger.stats().billableCalls).toBe(3);
  });

  it('bounds the remembered replies; a forgotten key is billed again', async () => {
    const ledger = new Ledger({ replies: 1, keys: 10 });
    await ledger.once('a', 'enrich', 'f', async () => 1);
    await ledger.once('b', 'enrich', 'f', async () => 2);
    expect((await ledger.once('a', 'enrich', 'f', async () => 1)).kind).toBe('fresh');
    expect(ledger.stats().billableCalls).toBe(3);
  });

  it('reset clears counters and remembered replies', async () => {
    const ledger = new Ledger();
    ledger.countRequest();
    await ledger.once('a', 'enrich', 'f', async () => 1);
    ledger.reset();
    expect(ledger.stats()).toEqual({
      requests: 0,
      billableCalls: 0,
      billableByOperation: { enrich: 0, research: 0 },
      byKey: {},
    });
  });
});
