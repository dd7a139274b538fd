/**
 * Guarantees 1 and 2 through the real stack: a committed row change reaches a saved buyer group
 * within a bounded wait, and a move between companies refreshes both.
 */
import { discoverBuyerGroup, personFromRow, type PeopleRow, type Person } from '@bgs/domain';
import type { Client } from 'pg';
import { requireStack, withDatabase } from '../helpers/stack';
import { createCompany, createWorkspace, waitForGroup } from '../helpers/pipeline';

async function rosterOf(db: Client, companyId: string): Promise<Person[]> {
  const { rows } = await db.query<PeopleRow>(
    `SELECT id, company_id, full_name, email, job_title, department, seniority, manager_id,
            status, NULL AS updated_at
       FROM people WHERE company_id = $1`,
    [companyId],
  );
  return rows.map(personFromRow);
}

const TARGET = { productCategory: 'software', targetDepartments: ['engineering', 'it'] };

describe('changes become saved buyer groups', () => {
  beforeAll(requireStack);

  it('saves the new role of a person whose title changed', async () => {
    const { companyId, personId, first } = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db);
      const company = await createCompany(db, workspace);
      const personId = `${company.companyId}-ops`;
      const first = await waitForGroup(
        company.companyId,
        (g) => g.members.size > 0,
        'a first saved group',
      );
      return { companyId: company.companyId, personId, first };
    });
    expect(first.members.get(personId)?.role).not.toBe('decision_maker');

    await withDatabase((db) =>
      db.query(
        `UPDATE people SET job_title = 'Chief Information Officer', department = 'it',
                seniority = 'c_level', updated_at = now() WHERE id = $1`,
        [personId],
      ),
    );
    const expected = await withDatabase(async (db) =>
      discoverBuyerGroup({ company: null, people: await rosterOf(db, companyId), target: TARGET }),
    );
    const expectedRole = expected.members.find((m) => m.personId === personId)?.role;
    expect(expectedRole).toBe('decision_maker');

    const saved = await waitForGroup(
      companyId,
      (g) => g.generation > first.generation && g.members.get(personId)?.role === expectedRole,
      `${personId} saved as ${expectedRole}`,
    );
    expect(saved.members.size).toBe(expected.members.length);
  });

  it('refreshes both companies when a person moves', async () => {
    const { from, to, mover, before } = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db);
      const from = (await createCompany(db, workspace)).companyId;
      const to = (await createCompany(db, workspace)).companyId;
      const mover = `${from}-vpe`;
      const before = {
        from: await waitForGroup(from, (g) => g.members.has(mover), 'the mover in the old group'),
        to: await waitForGroup(to, (g) => g.members.size > 0, 'a first saved group'),
      };
      return { from, to, mover, before };
    });

    await withDatabase(async (db) => {
      await db.query('BEGIN');
      // Whoever reported to the mover now reports to nobody; the mover reports to the new CTO.
      await db.query(`UPDATE people SET manager_id = NULL WHERE manager_id = $1`, [mover]);
      await db.query(
        `UPDATE people SET company_id = $2, manager_id = $3, updated_at = now() WHERE id = $1`,
        [mover, to, `${to}-cto`],
      );
      await db.query('COMMIT');
    });

    await waitForGroup(
      from,
      (g) => g.generation > before.from.generation && !g.members.has(mover),
      'the old company saved without the mover',
    );
    const saved = await waitForGroup(
      to,
      (g) => g.generation > before.to.generation && g.members.has(mover),
      'the new company saved with the mover',
    );
    expect(saved.members.get(mover)?.role).toBeDefined();
  });
});
