/**
 * The door's observation store on the real Postgres: recording a reported move also says where
 * the person was known to be before it (the company observed until then, the upstream row's),
 * read in the same statement, and read after any concurrent write of the same person, so the
 * company a second move leaves is touched even when the report names another one.
 */
import type { Observation } from '@bgs/domain';
import { Pool } from 'pg';
import { createPgObservationStore } from '../../services/ingress/src/webhooks/observations';
import { createCompany, createWorkspace } from '../helpers/pipeline';
import { requireStack, stack, uniqueName, withDatabase } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const application = uniqueName('observation-store');
let pool: Pool;

const observed = (
  personId: string,
  field: Observation['field'],
  value: string,
  at: number,
): Observation => ({
  personId,
  field,
  value,
  source: 'demo',
  eventId: uniqueName('evt'),
  occurredAt: at,
  receivedAt: at,
});

/** A person in the upstream `people` table, of a company of its own. */
async function upstreamPerson(): Promise<{ personId: string; rowCompany: string }> {
  return withDatabase(async (db) => {
    const { companyId, people } = await createCompany(db, await createWorkspace(db), (prefix) => [
      { id: `${prefix}-p`, fullName: 'Pat Mover', jobTitle: 'Engineer', department: 'it' },
    ]);
    return { personId: people[0]?.id ?? '', rowCompany: companyId };
  });
}

async function storedCompany(personId: string): Promise<string | undefined> {
  return withDatabase(async (db) => {
    const { rows } = await db.query<{ value: string }>(
      `SELECT value FROM person_observations WHERE person_id = $1 AND field = 'company'`,
      [personId],
    );
    return rows[0]?.value;
  });
}

describe('recording what a provider reports about people', () => {
  beforeAll(async () => {
    await requireStack();
    pool = new Pool({ connectionString: stack.databaseUrl, application_name: application, max: 2 });
  });
  afterAll(() => pool.end());

  it('tells, for each move written, where the person was known to be before it', async () => {
    const store = createPgObservationStore(pool);
    const { personId, rowCompany } = await upstreamPerson();
    const t = Date.now() - 60_000;

    const first = await store.record([observed(personId, 'company', 'co-b', t)]);
    expect(first).toEqual(new Map([[personId, [rowCompany]]]));

    const second = await store.record([
      observed(personId, 'company', 'co-c', t + 1_000),
      observed(personId, 'title', 'CTO', t + 1_000),
    ]);
    expect(second).toEqual(new Map([[personId, ['co-b', rowCompany]]]));

    // Older than the stored move: written nowhere, so it moves nobody and tells nothing.
    expect(await store.record([observed(personId, 'company', 'co-d', t + 500)])).toEqual(new Map());
    expect(await store.record([observed(personId, 'title', 'CEO', t + 2_000)])).toEqual(new Map());
    expect(await storedCompany(personId)).toBe('co-c');

    // Someone the upstream does not know: only what was observed.
    const stranger = uniqueName('nobody');
    await store.record([observed(stranger, 'company', 'co-e', t)]);
    expect(await store.record([observed(stranger, 'company', 'co-f', t + 1_000)])).toEqual(
      new Map([[stranger, ['co-e']]]),
    );
  });

  it('reads the move a concurrent write just committed, not the one its statement began with', async () => {
    const store = createPgObservationStore(pool);
    const { personId, rowCompany } = await upstreamPerson();
    const t = Date.now() - 60_000;
    await store.record([observed(personId, 'company', 'co-b', t)]);

    await withDatabase(async (other) => {
      // Another writer's move to co-x, not yet committed: it holds the row.
      await other.query('BEGIN');
      await other.query(
        `UPDATE person_observations SET value = 'co-x', observed_at = $2
          WHERE person_id = $1 AND field = 'company'`,
        [personId, new Date(t + 1_000)],
      );
      const recording = store.record([observed(personId, 'company', 'co-c', t + 2_000)]);
      await waitFor(
        () =>
          withDatabase(async (db) => {
            const { rows } = await db.query(
              `SELECT 1 FROM pg_stat_activity
                WHERE application_name = $1 AND wait_event_type = 'Lock'`,
              [application],
            );
            return rows.length > 0;
          }),
        { timeoutMs: 10_000, description: 'the recording waiting for the other writer' },
      );
      await other.query('COMMIT');
      expect(await recording).toEqual(new Map([[personId, ['co-x', rowCompany]]]));
    });
    expect(await storedCompany(personId)).toBe('co-c');
  });
});
