/**
 * A provider's webhook changes the saved group, through the real stack: what it reports about a
 * person is recorded as an observation and merged with the upstream row by discovery, the newer
 * value winning field by field. The upstream rows are never written.
 */
import { discoverBuyerGroup, personFromRow, type PeopleRow, type Person } from '@bgs/domain';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { createCompany, createWorkspace, postWebhook, waitForGroup } from '../helpers/pipeline';
import { requireStack, withDatabase } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const TARGET = { productCategory: 'software', targetDepartments: ['engineering', 'it'] };

async function upstreamRow(db: Client, personId: string): Promise<Person> {
  const { rows } = await db.query<PeopleRow>(
    `SELECT id, company_id, full_name, email, job_title, department, seniority, manager_id,
            status, NULL AS updated_at
       FROM people WHERE id = $1`,
    [personId],
  );
  return personFromRow(rows[0] as PeopleRow);
}

async function rosterOf(db: Client, companyId: string): Promise<Person[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM people WHERE company_id = $1`, [
    companyId,
  ]);
  return Promise.all(rows.map((row) => upstreamRow(db, row.id)));
}

/** The role discovery gives `personId` once `reported` replaces their row's fields. */
async function roleWith(
  db: Client,
  companyId: string,
  personId: string,
  reported: Partial<Person>,
): Promise<string | undefined> {
  const people = (await rosterOf(db, companyId)).map((p) =>
    p.id === personId ? { ...p, ...reported } : p,
  );
  return discoverBuyerGroup({ company: null, people, target: TARGET }).members.find(
    (m) => m.personId === personId,
  )?.role;
}

/** Waits until a refresh caused by the webhook alone has completed; its generation and reason. */
function waitForRefreshBy(
  companyId: string,
  eventId: string,
): Promise<{ generation: number; reason: string }> {
  return waitFor(
    () =>
      withDatabase(async (db) => {
        const { rows } = await db.query<{ generation: string; reason: string }>(
          `SELECT generation, reason FROM buyer_group_refresh_logs
            WHERE company_id = $1 AND triggered_by = $2 AND status = 'completed'`,
          [companyId, `webhook:demo:${eventId}`],
        );
        const row = rows[0];
        return row ? { generation: Number(row.generation), reason: row.reason } : undefined;
      }),
    { timeoutMs: 60_000, intervalMs: 200, description: `${companyId}: refresh by ${eventId}` },
  );
}

const promotion = (companyId: string, personId: string, at: Date, title: string) => ({
  id: `evt-${randomUUID()}`,
  type: 'person.promotion',
  timestamp: at.toISOString(),
  company: { id: companyId },
  person: { id: personId },
  changes: {
    title: { old: 'Marketing Coordinator', new: title },
    seniority: { old: 'entry', new: 'c_level' },
  },
});

describe("a provider's report reaches the saved group", () => {
  beforeAll(requireStack);

  it('places a person by the title a webhook reports, and leaves the upstream row alone', async () => {
    const { companyId, personId, first, expected } = await withDatabase(async (db) => {
      const companyId = (await createCompany(db, await createWorkspace(db))).companyId;
      const personId = `${companyId}-ops`;
      const first = await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group');
      const expected = await roleWith(db, companyId, personId, {
        jobTitle: 'Chief Information Officer',
        seniority: 'c_level',
      });
      return { companyId, personId, first, expected };
    });
    expect(expected).toBeDefined();
    expect(first.members.get(personId)?.role).not.toBe(expected);

    const event = promotion(companyId, personId, new Date(), 'Chief Information Officer');
    expect((await postWebhook(event, event.id)).status).toBe(202);

    await waitForGroup(
      companyId,
      (g) => g.generation > first.generation && g.members.get(personId)?.role === expected,
      `${personId} saved as ${expected}`,
    );
    const row = await withDatabase((db) => upstreamRow(db, personId));
    expect([row.jobTitle, row.seniority]).toEqual(['Marketing Coordinator', 'entry']);
  });

  it('keeps the upstream value when the report is older than the upstream change', async () => {
    const { companyId, personId, upstreamRole } = await withDatabase(async (db) => {
      const companyId = (await createCompany(db, await createWorkspace(db))).companyId;
      const personId = `${companyId}-ops`;
      const first = await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group');
      await db.query(
        `UPDATE people SET job_title = 'VP of IT', department = 'it', seniority = 'vp',
                updated_at = now() WHERE id = $1`,
        [personId],
      );
      const upstreamRole = await roleWith(db, companyId, personId, {});
      await waitForGroup(
        companyId,
        (g) => g.generation > first.generation && g.members.get(personId)?.role === upstreamRole,
        `${personId} saved as the upstream change places them`,
      );
      return { companyId, personId, upstreamRole };
    });
    expect(upstreamRole).toBeDefined();

    const anHourAgo = new Date(Date.now() - 3_600_000);
    const stale = promotion(companyId, personId, anHourAgo, 'Chief Information Officer');
    expect((await postWebhook(stale, stale.id)).status).toBe(202);
    const { generation } = await waitForRefreshBy(companyId, stale.id);

    const saved = await waitForGroup(companyId, (g) => g.generation >= generation, 'the refresh');
    expect(saved.members.get(personId)?.role).toBe(upstreamRole);
  });

  it('moves a person between companies when a webhook reports the move', async () => {
    const { from, to, mover, before } = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db);
      const from = (await createCompany(db, workspace)).companyId;
      const to = (await createCompany(db, workspace)).companyId;
      const mover = `${from}-vpe`;
      const before = {
        from: await waitForGroup(from, (g) => g.members.has(mover), 'the mover in the old group'),
        to: await waitForGroup(to, (g) => g.members.size > 0, 'a first group'),
      };
      return { from, to, mover, before };
    });

    const event = {
      id: `evt-${randomUUID()}`,
      type: 'person.company_change',
      timestamp: new Date().toISOString(),
      company: { id: to },
      person: { id: mover },
      changes: { company: { old: from, new: to } },
    };
    expect((await postWebhook(event, event.id)).status).toBe(202);

    await waitForGroup(
      from,
      (g) => g.generation > before.from.generation && !g.members.has(mover),
      'the old company saved without the mover',
    );
    await waitForGroup(
      to,
      (g) => g.generation > before.to.generation && g.members.has(mover),
      'the new company saved with the mover',
    );
    const row = await withDatabase((db) => upstreamRow(db, mover));
    expect(row.companyId).toBe(from);
  });

  it('refreshes a company on each company event, with the event as the reason in its log', async () => {
    const companyId = await withDatabase(async (db) => {
      const companyId = (await createCompany(db, await createWorkspace(db))).companyId;
      await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group');
      return companyId;
    });
    for (const type of [
      'company.acquisition',
      'company.restructuring',
      'company.executive_turnover',
    ]) {
      const event = {
        id: `evt-${randomUUID()}`,
        type,
        timestamp: new Date().toISOString(),
        company: { id: companyId },
      };
      expect((await postWebhook(event, event.id)).status).toBe(202);
      expect((await waitForRefreshBy(companyId, event.id)).reason).toBe(type);
    }
  });
});
