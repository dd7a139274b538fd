/**
 * The refresh request's take-over on the stack Postgres: whether a claim is stale is decided in
 * the statement, against the database's now(), from the claim timeout alone. A claim is made
 * old by moving its requested_at into the past, as a crashed request's would be: no waiting.
 */
import { Pool } from 'pg';
import { generateApiKey } from '../../services/ingress/src/api/api-keys';
import {
  createPgRefreshClaims,
  type RefreshClaims,
  type RefreshRequestRow,
} from '../../services/ingress/src/api/refresh-claims';
import { requireStack, stack, uniqueName } from '../helpers/stack';

const CLAIM_TIMEOUT_MS = 60_000;

describe('takeOverStaleRefresh on the database clock', () => {
  const workspaceId = uniqueName('ws');
  let pool: Pool;
  let claims: RefreshClaims;
  let apiKeyId: string;

  beforeAll(async () => {
    await requireStack();
    pool = new Pool({ connectionString: stack.databaseUrl, max: 2 });
    claims = createPgRefreshClaims(pool);
    // The foreign key's row only; nothing here authenticates with it.
    const generated = generateApiKey();
    const key = await pool.query<{ id: string }>(
      `INSERT INTO api_keys (workspace_id, name, key_prefix, key_hash)
       VALUES ($1, 'refresh claims', $2, $3) RETURNING id`,
      [workspaceId, generated.prefix, generated.hash],
    );
    apiKeyId = key.rows[0]!.id;
  });

  afterAll(async () => {
    if (!pool) return;
    await pool.query(`DELETE FROM refresh_requests WHERE workspace_id = $1`, [workspaceId]);
    await pool.query(`DELETE FROM api_keys WHERE workspace_id = $1`, [workspaceId]);
    await pool.end();
  });

  async function claim(): Promise<RefreshRequestRow> {
    const result = await claims.claimRefresh({
      workspaceId,
      companyId: uniqueName('co'),
      apiKeyId,
      idempotencyKey: uniqueName('idem'),
      level: 'identify',
      reason: null,
    });
    expect(result.claimed).toBe(true);
    return result.request;
  }

  /** What a request that crashed `ageSeconds` ago leaves: its claim, stamped back then. */
  async function ageClaim(id: string, ageSeconds: number): Promise<Date> {
    const aged = await pool.query<{ requested_at: Date }>(
      `UPDATE refresh_requests SET requested_at = now() - make_interval(secs => $2)
       WHERE id = $1 RETURNING requested_at`,
      [id, ageSeconds],
    );
    return aged.rows[0]!.requested_at;
  }

  const requestedAtOf = async (id: string): Promise<Date> =>
    (
      await pool.query<{ requested_at: Date }>(
        `SELECT requested_at FROM refresh_requests WHERE id = $1`,
        [id],
      )
    ).rows[0]!.requested_at;

  it('leaves a fresh claim to its owner', async () => {
    const fresh = await claim();
    expect(await claims.takeOverStaleRefresh(fresh.id, CLAIM_TIMEOUT_MS)).toBeUndefined();
    expect(await requestedAtOf(fresh.id)).toEqual(fresh.requestedAt);
  });

  it('leaves a claim just inside the timeout, and takes one just past it', async () => {
    const inside = await claim();
    await ageClaim(inside.id, CLAIM_TIMEOUT_MS / 1000 - 10);
    expect(await claims.takeOverStaleRefresh(inside.id, CLAIM_TIMEOUT_MS)).toBeUndefined();

    const past = await claim();
    await ageClaim(past.id, CLAIM_TIMEOUT_MS / 1000 + 10);
    expect(await claims.takeOverStaleRefresh(past.id, CLAIM_TIMEOUT_MS)).toMatchObject({
      id: past.id,
      status: 'claimed',
    });
  });

  it('takes a stale claim over once, re-stamping it so a second taker finds it fresh', async () => {
    const stale = await claim();
    const abandonedAt = await ageClaim(stale.id, 3_600);
    const taken = await claims.takeOverStaleRefresh(stale.id, CLAIM_TIMEOUT_MS);
    expect(taken).toMatchObject({ id: stale.id, companyId: stale.companyId, status: 'claimed' });
    expect(taken!.requestedAt.getTime()).toBeGreaterThan(abandonedAt.getTime());
    expect(await claims.takeOverStaleRefresh(stale.id, CLAIM_TIMEOUT_MS)).toBeUndefined();
  });

  it('never takes over an enqueued request, however old', async () => {
    const settled = await claim();
    await claims.markRefreshEnqueued(settled.id);
    await ageClaim(settled.id, 3_600);
    expect(await claims.takeOverStaleRefresh(settled.id, CLAIM_TIMEOUT_MS)).toBeUndefined();
  });
});
