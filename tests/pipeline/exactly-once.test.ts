/**
 * Guarantees 1 and 3 through the real stack: duplicates and replays make no second refresh log
 * for a generation and no second paid call; a burst is coalesced and generations only grow.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@bgs/platform';
import { kafka, producerDefaults, requireStack, withDatabase } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import {
  createCompany,
  createWorkspace,
  operations,
  postWebhook,
  providerRequests,
  refreshLogs,
  waitForGroup,
  waitForIncludedChanges,
} from '../helpers/pipeline';

/** The newest CDC record of a person, as Debezium wrote it (key and value bytes). */
async function lastCdcRecordOf(personId: string): Promise<{ key: Buffer; value: Buffer }> {
  const consumer = kafka().consumer({ groupId: `cdc-probe-${randomUUID()}` });
  let found: { key: Buffer; value: Buffer } | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: Topics.cdcPeople, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key && message.value && message.key.toString().includes(`"${personId}"`)) {
          found = { key: message.key, value: message.value };
        }
      },
    });
    return await waitFor(() => found, { description: `the CDC record of ${personId}` });
  } finally {
    await consumer.disconnect();
  }
}

describe('exactly once in effect', () => {
  beforeAll(requireStack);

  it('a duplicate webhook and a replayed CDC event make one log per generation and one paid call', async () => {
    const { companyId, saved } = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db, { changeLevel: 'enrich', cooldownSeconds: 0 });
      const { companyId } = await createCompany(db, workspace);
      const saved = await waitForGroup(
        companyId,
        (g) => g.level === 'enrich' && g.members.size > 0,
        'the first enriched group',
      );
      return { companyId, saved };
    });
    const paidBefore = await withDatabase((db) => operations(db, companyId, 'enrich'));
    expect(paidBefore).toHaveLength(1);
    // Counted where the calls land: a second call would show even if the provider did not bill it.
    const requestsBefore = await withDatabase((db) => providerRequests(db, companyId));
    expect(requestsBefore.filter((r) => r.outcome === 'billed')).toHaveLength(1);

    // The same webhook twice: the second is answered 200 and goes nowhere. It reports the title
    // the row already has (a provider confirming it), so the roster it leads to is unchanged.
    const event = {
      id: `evt-${randomUUID()}`,
      type: 'person.role_change',
      timestamp: new Date().toISOString(),
      company: { id: companyId },
      person: {
        id: `${companyId}-eng`,
        oldTitle: 'Senior Engineer',
        newTitle: 'Staff Engineer',
      },
      changes: { title: { old: 'Senior Engineer', new: 'Staff Engineer' } },
    };
    const first = await postWebhook(event, event.id);
    const second = await postWebhook(event, event.id);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);

    // And Debezium's record of a row change, delivered once more.
    const record = await lastCdcRecordOf(`${companyId}-eng`);
    const producer = kafka().producer(producerDefaults);
    await producer.connect();
    await producer.send({ topic: Topics.cdcPeople, messages: [record] });
    await producer.disconnect();

    const after = await waitForGroup(
      companyId,
      (g) => g.generation > saved.generation,
      'a newer generation after the webhook and the replay',
    );
    await withDatabase(async (db) => {
      // Both triggers are through: each made at most one generation.
      const logs = await waitFor(
        async () => {
          const rows = await refreshLogs(db, companyId);
          return rows.filter((l) => l.generation > saved.generation).length >= 1 ? rows : undefined;
        },
        { description: 'refresh logs of the new generations' },
      );
      const generations = logs.map((l) => l.generation);
      expect(new Set(generations).size).toBe(generations.length);
      // The roster did not change, so the paid input did not either: no second purchase.
      const paid = await operations(db, companyId, 'enrich');
      expect(paid).toHaveLength(1);
      expect(paid[0]?.costUsd).toBeCloseTo(2.4);
      const members = await db.query<{ n: string }>(
        `SELECT count(*) AS n FROM buyer_group_members WHERE company_id = $1`,
        [companyId],
      );
      expect(Number(members.rows[0]?.n)).toBe(after.members.size);
    });
    expect(await withDatabase((db) => providerRequests(db, companyId))).toEqual(requestsBefore);
  });

  it('coalesces a burst of 100 changes and never saves an older generation', async () => {
    const { companyId, first } = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db);
      const { companyId } = await createCompany(db, workspace);
      // The company and its 7 people, saved before the burst starts.
      await waitForIncludedChanges(companyId, 8);
      const first = await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group');
      return { companyId, first };
    });

    // Watch the saved generation while the burst goes through: it must never go down.
    const seen: number[] = [];
    let watching = true;
    const watcher = withDatabase(async (db) => {
      while (watching) {
        const { rows } = await db.query<{ generation: string }>(
          `SELECT generation FROM buyer_groups WHERE company_id = $1`,
          [companyId],
        );
        seen.push(Number(rows[0]?.generation));
      }
    });

    await withDatabase(async (db) => {
      for (let i = 0; i < 100; i += 1) {
        await db.query(`UPDATE people SET job_title = $2, updated_at = now() WHERE id = $1`, [
          `${companyId}-eng`,
          i % 2 === 0 ? `Staff Engineer ${i}` : `Senior Staff Engineer ${i}`,
        ]);
      }
    });
    // Each of the 100 changes is included in exactly one saved generation: none lost, none twice.
    const total = await waitForIncludedChanges(companyId, 108);
    const burstLogs = await withDatabase((db) => refreshLogs(db, companyId));
    watching = false;
    await watcher;

    expect(total).toBe(108);
    const afterFirst = burstLogs.filter((l) => l.generation > first.generation);
    expect(afterFirst.length).toBeGreaterThanOrEqual(1);
    expect(afterFirst.length).toBeLessThan(100);
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i += 1) {
      expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1] as number);
    }
  });
});
