import type { Pool, QueryConfig } from 'pg';
import { createPgClaimStore, type ClaimInput } from './claims';

const input = (eventId: string): ClaimInput => ({
  source: 'acme',
  eventId,
  eventType: 'person.role_change',
  companyId: 'co-1',
  payload: { id: eventId },
  signatureScheme: 'standard-webhooks',
  archive: { body: Buffer.from('gzip'), bodyBytes: 20, headers: {}, replayOf: null },
});

interface HeldQuery {
  readonly config: QueryConfig;
  answer(rows: object[]): void;
  fail(error: Error): void;
}

/** A pool whose queries stay in flight until the test answers them. */
function heldPool() {
  const queries: HeldQuery[] = [];
  let arrived: () => void = () => undefined;
  const pool = {
    query: (config: QueryConfig) =>
      new Promise((resolve, reject) => {
        queries.push({ config, answer: (rows) => resolve({ rows }), fail: reject });
        arrived();
      }),
  } as unknown as Pick<Pool, 'query'>;
  /** Resolves once the pool holds `count` queries. */
  const untilQueries = (count: number): Promise<HeldQuery[]> =>
    new Promise((resolve) => {
      arrived = () => {
        if (queries.length >= count) resolve(queries);
      };
      arrived();
    });
  return { pool, queries, untilQueries };
}

const insertedRow = (id: string) => ({
  id,
  inserted: true,
  taken_over: false,
  previous_status: null,
});

describe('createPgClaimStore batching', () => {
  it('claims the requests of one turn in one statement, and later ones in the next', async () => {
    const { pool, untilQueries } = heldPool();
    const store = createPgClaimStore(pool, { claimTimeoutMs: 30_000 });
    const first = [store.claim(input('b')), store.claim(input('a'))];
    const [statement] = await untilQueries(1);
    expect(statement?.config.values?.[1]).toEqual(['a', 'b']);
    expect(statement?.config.values?.[10]).toBe(30_000);

    // Made while the first statement is in flight: gathered into the second one.
    const later = [store.claim(input('c')), store.claim(input('c'))];
    statement?.answer([insertedRow('id-a'), insertedRow('id-b')]);
    expect(await Promise.all(first)).toEqual([
      { kind: 'claimed', id: 'id-b', takenOver: false },
      { kind: 'claimed', id: 'id-a', takenOver: false },
    ]);
    const [, second] = await untilQueries(2);
    expect(second?.config.values?.[1]).toEqual(['c']);
    second?.answer([insertedRow('id-c')]);
    expect(await Promise.all(later)).toEqual([
      { kind: 'claimed', id: 'id-c', takenOver: false },
      { kind: 'in_flight' },
    ]);
  });

  it('fails every request of a failed statement with its error, and claims again afterwards', async () => {
    const { pool, untilQueries } = heldPool();
    const store = createPgClaimStore(pool, { claimTimeoutMs: 30_000 });
    const claims = [store.claim(input('a')), store.claim(input('b'))];
    const [statement] = await untilQueries(1);
    statement?.fail(new Error('connection terminated'));
    const settled = await Promise.allSettled(claims);
    expect(settled).toEqual([
      { status: 'rejected', reason: new Error('connection terminated') },
      { status: 'rejected', reason: new Error('connection terminated') },
    ]);

    const retry = store.claim(input('a'));
    const [, again] = await untilQueries(2);
    again?.answer([insertedRow('id-a')]);
    expect(await retry).toEqual({ kind: 'claimed', id: 'id-a', takenOver: false });
  });

  it('marks the rows of one turn enqueued in one UPDATE by id', async () => {
    const { pool, untilQueries } = heldPool();
    const store = createPgClaimStore(pool, { claimTimeoutMs: 30_000 });
    const marks = [store.markEnqueued('id-1'), store.markEnqueued('id-2')];
    const [statement] = await untilQueries(1);
    expect(statement?.config.text).toContain('WHERE id = ANY($1::uuid[])');
    expect(statement?.config.values).toEqual([['id-1', 'id-2']]);
    statement?.answer([]);
    await expect(Promise.all(marks)).resolves.toEqual([undefined, undefined]);
  });

  it('splits a turn larger than maxBatch into several statements', async () => {
    const { pool, queries, untilQueries } = heldPool();
    const store = createPgClaimStore(pool, { claimTimeoutMs: 30_000, maxBatch: 2 });
    const marks = ['id-1', 'id-2', 'id-3'].map((id) => store.markEnqueued(id));
    (await untilQueries(1))[0]?.answer([]);
    (await untilQueries(2))[1]?.answer([]);
    await Promise.all(marks);
    expect(queries.map((query) => query.config.values)).toEqual([[['id-1', 'id-2']], [['id-3']]]);
  });
});
