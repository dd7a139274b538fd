import type { Pool } from 'pg';
import { createPgRefreshClaims, type NewRefreshRequest } from './refresh-claims';

interface Query {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** A pool answering each query with the next of `answers` (rows), recording what it was asked. */
function scriptedPool(answers: object[][]) {
  const queries: Query[] = [];
  const pool = {
    query: async (
      textOrConfig: string | { text: string; values: unknown[] },
      values?: unknown[],
    ) => {
      const query =
        typeof textOrConfig === 'string'
          ? { text: textOrConfig, values: values ?? [] }
          : { text: textOrConfig.text, values: textOrConfig.values };
      queries.push(query);
      return { rows: answers.shift() ?? [] };
    },
  } as unknown as Pick<Pool, 'query'>;
  return { pool, queries };
}

const dbRow = (id: string) => ({
  id,
  workspace_id: 'ws',
  company_id: 'co',
  api_key_id: 'key',
  idempotency_key: 'idem',
  level: 'enrich',
  reason: null,
  status: 'claimed',
  requested_at: new Date(0),
  enqueued_at: null,
});

const request: NewRefreshRequest = {
  workspaceId: 'ws',
  companyId: 'co',
  apiKeyId: 'key',
  idempotencyKey: 'idem',
  level: 'enrich',
  reason: null,
};

describe('createPgRefreshClaims', () => {
  it('stamps a claim with the database clock, never the caller’s time', async () => {
    const { pool, queries } = scriptedPool([[dbRow('r-1')]]);
    const claimed = await createPgRefreshClaims(pool).claimRefresh(request);
    expect(claimed).toMatchObject({ claimed: true, request: { id: 'r-1' } });
    expect(queries[0]?.text).toContain("'claimed', now())");
    expect(queries[0]?.values.some((value) => value instanceof Date)).toBe(false);
  });

  it("answers a lost insert with the winner's row, and takes again while it was released", async () => {
    const { pool, queries } = scriptedPool([[], [], [], [dbRow('winner')]]);
    const claimed = await createPgRefreshClaims(pool).claimRefresh(request);
    expect(claimed).toMatchObject({ claimed: false, request: { id: 'winner' } });
    expect(queries.map((query) => query.text.trim().split(/\s+/)[0])).toEqual([
      'INSERT',
      'SELECT',
      'INSERT',
      'SELECT',
    ]);
  });

  it('takes over with the claim timeout alone, judged against now() in SQL', async () => {
    const { pool, queries } = scriptedPool([[dbRow('r-1')], []]);
    const claims = createPgRefreshClaims(pool);
    const taken = await claims.takeOverStaleRefresh('r-1', 30_000);
    expect(taken?.id).toBe('r-1');
    expect(queries[0]?.values).toEqual(['r-1', 30_000]);
    expect(queries[0]?.text).toContain('requested_at = now()');
    expect(queries[0]?.text).toMatch(/requested_at < now\(\) - make_interval/);
    expect(await claims.takeOverStaleRefresh('r-1', 30_000)).toBe(undefined);
  });

  it('marks done and releases by id, a release only while claimed', async () => {
    const { pool, queries } = scriptedPool([]);
    const claims = createPgRefreshClaims(pool);
    await claims.markRefreshEnqueued('r-1');
    await claims.releaseRefresh('r-2');
    expect(queries).toEqual([
      { text: expect.stringContaining('enqueued_at = now()'), values: [['r-1']] },
      { text: expect.stringContaining("status = 'claimed'"), values: ['r-2'] },
    ]);
  });
});
