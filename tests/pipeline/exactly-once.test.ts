/**
 * Guarantees 1 and 3 through the real stack: duplicates and replays make no second refresh log
 * for a generation and no second paid call; a burst is coalesced and generations only grow.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@bgs/platform';
import { kafka, producerDefaults, requireStack, withDatabase } from '../helpers/stack';
import { publishedGroups } from '../helpers/published';
import { waitFor } from '../helpers/wait';
import {
  createCompany,
  confirmation,
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

async function produce(topic: string, record: { key: Buffer; value: Buffer }): Promise<void> {
  const producer = kafka().producer(producerDefaults);
  await producer.connect();
  try {
    await producer.send({ topic, messages: [record] });
  } finally {
    await producer.disconnect();
  }
}

/** The origin ref a Debezium people event stands for in saved generations (its row and LSN). */
function cdcOriginRef(value: Buffer): string {
  const event = JSON.parse(value.toString('utf8')) as {
    payload?: { after: { id: string }; source: { lsn: number } };
    after?: { id: string };
    source?: { lsn: number };
  };
  const body = event.payload ?? event;
  return `cdc:people:${String(body.after?.id)}:${String(body.source?.lsn)}`;
}

describe('exactly once in effect', () => {
  beforeAll(requireStack);

  it('a duplicate webhook and a replayed CDC event each make one generation and no provider call', async () => {
    const { companyId, saved } = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db, { changeLevel: 'enrich', cooldownSeconds: 0 });
      const { companyId } = await createCompany(db, workspace);
      // The company and its 7 people, all in saved generations before the duplicates start.
      await waitForIncludedChanges(companyId, 8);
      const saved = await waitForGroup(
        companyId,
        (g) => g.level === 'enrich' && g.members.size > 0,
        'the first enriched group',
      );
      return { companyId, saved };
    });
    // Counted where the calls land: a second call would show even if the provider did not bill it.
    const requestsBefore = await withDatabase((db) => providerRequests(db, companyId));
    expect(requestsBefore.filter((r) => r.outcome === 'billed')).toHaveLength(1);
    const published = await publishedGroups(companyId);
    try {
      // The same webhook twice: the second is answered 200 and goes nowhere. It reports the
      // title the row already has (a provider confirming it), so the roster is unchanged.
      const event = confirmation(companyId);
      expect((await postWebhook(event, event.id)).status).toBe(202);
      expect((await postWebhook(event, event.id)).status).toBe(200);
      const webhookRef = `webhook:demo:${event.id}`;
      const byWebhook = await published.waitForOrigin(webhookRef);

      // Debezium's record of the engineer's row, delivered once more, only after the webhook's
      // generation is out: the two cannot be coalesced into one generation.
      const record = await lastCdcRecordOf(`${companyId}-eng`);
      await produce(Topics.cdcPeople, record);
      const cdcRef = await cdcOriginRef(record.value);
      const byReplay = await published.waitForOrigin(cdcRef, byWebhook.generation);

      // A fence: a third trigger for the company, behind both on its partition. Once it is
      // published, nothing the duplicates or the replay could still cause is in flight.
      const fence = confirmation(companyId);
      expect((await postWebhook(fence, fence.id)).status).toBe(202);
      const byFence = await published.waitForOrigin(`webhook:demo:${fence.id}`);

      // Exactly three generations after the first group, one per trigger, in order; the
      // duplicate delivery is in none, the replayed change in one besides the original's.
      const after = published.generations().filter((g) => g.generation > saved.generation);
      expect(after.map((g) => g.generation)).toEqual([
        byWebhook.generation,
        byReplay.generation,
        byFence.generation,
      ]);
      expect(published.occurrences(webhookRef)).toBe(1);
      expect(after.flatMap((g) => g.origins).filter((ref) => ref === cdcRef)).toHaveLength(1);
    } finally {
      await published.stop();
    }
    // The roster never changed, so nothing was bought again: no second request at all.
    const requestsAfter = await withDatabase((db) => providerRequests(db, companyId));
    expect(requestsAfter).toEqual(requestsBefore);
    const paid = await withDatabase((db) => operations(db, companyId, 'enrich'));
    expect(paid).toHaveLength(1);
    expect(paid[0]?.costUsd).toBeCloseTo(2.4);
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
