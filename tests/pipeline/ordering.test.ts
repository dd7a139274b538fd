/**
 * Guarantee 1 (order per company) through the real stack: the sink saves a generation only if
 * it is newer than the saved one, so an older group arriving late (a record back from a retry
 * tier, a replay) never replaces the saved one; and however a burst of changes is coalesced,
 * the saved group ends as the last change places the person.
 */
import { randomUUID } from 'node:crypto';
import { BUYER_GROUP_ROLES } from '@bgs/domain';
import { Topics, type BuyerGroupWorkRecord } from '@bgs/platform';
import { requireStack, stackCommand, withDatabase } from '../helpers/stack';
import { readTopic } from '../helpers/topic-reader';
import { publishedGroups } from '../helpers/published';
import { waitFor } from '../helpers/wait';
import {
  createCompany,
  createWorkspace,
  expectedGroup,
  postWebhook,
  produce,
  refreshLogs,
  restructuring,
  sinkSaves,
  topicCodec,
  waitForGroup,
  waitForIncludedChanges,
  waitForRefreshByWebhook,
  waitForRefreshLog,
  type SavedGroup,
} from '../helpers/pipeline';

const rolesOf = (group: SavedGroup): Record<string, string> =>
  Object.fromEntries([...group.members].map(([personId, m]) => [personId, m.role]));

/** The record the sink consumed for the company's `generation`, read from its input topic. */
async function sinkInputOf(companyId: string, generation: number): Promise<BuyerGroupWorkRecord> {
  const codec = topicCodec<BuyerGroupWorkRecord>(Topics.buyerGroupResearched);
  const reader = await readTopic(Topics.buyerGroupResearched, (value) => codec.decode(value));
  try {
    const found = await waitFor(
      () => reader.records.find((r) => r.key === companyId && r.value.generation === generation),
      { description: `${companyId}: generation ${generation} on ${Topics.buyerGroupResearched}` },
    );
    return found.value;
  } finally {
    await reader.stop();
  }
}

/** The newest generation below `saved` the company has no refresh log for: older, and unused. */
async function unusedOlderGeneration(companyId: string, saved: number): Promise<number> {
  const logged = new Set(
    (await withDatabase((db) => refreshLogs(db, companyId))).map((l) => l.generation),
  );
  let generation = saved - 1;
  while (logged.has(generation)) generation -= 1;
  return generation;
}

describe('order per company', () => {
  beforeAll(requireStack);

  it('skips a group older than the saved one as stale: never saved, never published', async () => {
    const { companyId, saved } = await withDatabase(async (db) => {
      const { companyId } = await createCompany(db, await createWorkspace(db));
      // The company and its 7 people saved: no refresh of ours is still on its way.
      await waitForIncludedChanges(companyId, 8);
      return {
        companyId,
        saved: await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group'),
      };
    });
    const published = await publishedGroups(companyId);
    try {
      await published.waitFor((s) => s.generation === saved.generation, 'the saved generation');

      // A real record of the company, made older and different: one member, in a role they do
      // not have, and a person who is not in the group at all.
      const real = await sinkInputOf(companyId, saved.generation);
      const staleGeneration = await unusedOlderGeneration(companyId, saved.generation);
      expect(staleGeneration).toBeLessThan(saved.generation);
      expect(staleGeneration).toBeGreaterThanOrEqual(0);
      const [kept] = real.members;
      if (!kept) throw new Error(`${companyId}: the saved group has no member`);
      const otherRole = BUYER_GROUP_ROLES.find((role) => role !== kept.role) as string;
      const staleRef = `test:stale:${randomUUID()}`;
      const stale: BuyerGroupWorkRecord = {
        ...real,
        generation: staleGeneration,
        origins: [{ ref: staleRef, occurredAt: Date.now() }],
        originCount: 1,
        members: [
          { ...kept, role: otherRole },
          { ...kept, personId: `${companyId}-ghost`, fullName: 'Not A Person' },
        ],
      };
      const staleBefore = await sinkSaves('stale');
      await produce(Topics.buyerGroupResearched, [
        {
          key: companyId,
          value: await topicCodec<BuyerGroupWorkRecord>(Topics.buyerGroupResearched).encode(stale),
        },
      ]);

      // The sink logs the stale generation as skipped, naming the generation that overtook it.
      const skipped = await waitForRefreshLog(
        companyId,
        (l) => l.generation === staleGeneration,
        'the stale generation logged',
      );
      expect(skipped).toMatchObject({
        status: 'skipped',
        error: `superseded by generation ${saved.generation}`,
      });
      expect(await sinkSaves('stale')).toBeGreaterThan(staleBefore);
      const afterStale = await waitForGroup(companyId, () => true, 'the saved group');
      expect(afterStale.generation).toBe(saved.generation);
      expect(rolesOf(afterStale)).toEqual(rolesOf(saved));

      // A fence: a later real change of the company, behind the stale record on its partition.
      // Once it is published, anything the stale record could have published is out too.
      const fence = restructuring(companyId);
      expect((await postWebhook(fence, fence.id)).status).toBe(202);
      const fenceGeneration = await waitForRefreshByWebhook(companyId, fence.id);
      await published.waitFor((s) => s.generation === fenceGeneration, 'the fence published');

      const generations = published.states().map((s) => s.generation);
      expect(generations).not.toContain(staleGeneration);
      expect(published.states().filter((s) => s.origins.some((o) => o.ref === staleRef))).toEqual(
        [],
      );
      // Published in order: the generations only grow.
      expect(generations).toEqual([...generations].sort((a, b) => a - b));
      const final = await waitForGroup(
        companyId,
        (g) => g.generation === fenceGeneration,
        'the fence saved',
      );
      const expected = await withDatabase((db) => expectedGroup(db, companyId));
      expect(rolesOf(final)).toEqual(Object.fromEntries(expected));
    } finally {
      await published.stop();
    }
  });

  it('ends a burst of title changes with the role the last title gives', async () => {
    const { companyId, first } = await withDatabase(async (db) => {
      const { companyId } = await createCompany(db, await createWorkspace(db));
      await waitForIncludedChanges(companyId, 8);
      return {
        companyId,
        first: await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group'),
      };
    });
    const personId = `${companyId}-ops`;
    // Two titles that place the person differently (outside the group, then an end user),
    // alternated, and a last one that gives a role neither of them does: only a group saved
    // from the last change can show it. The roles come from the domain's own rules.
    const [outside, inside, last] = [
      'Marketing Specialist',
      'Software Engineer',
      'Head of Security',
    ];
    const roleBy = await withDatabase(async (db) => {
      const roleOf = async (jobTitle: string) =>
        (await expectedGroup(db, companyId, { [personId]: { jobTitle } })).get(personId);
      return {
        outside: await roleOf(outside),
        inside: await roleOf(inside),
        last: await roleOf(last),
      };
    });
    expect(roleBy.last).toBeDefined();
    expect(new Set([roleBy.outside, roleBy.inside, roleBy.last]).size).toBe(3);

    const titles = [
      ...Array.from({ length: 19 }, (_, i) => (i % 2 === 0 ? inside : outside)),
      last,
    ];
    // The sink is away while the burst goes through the other stages, in two halves: it then
    // finds several generations of the company waiting, and the newest must win, not the first.
    await stackCommand('stop', 'sink');
    try {
      const codec = topicCodec<BuyerGroupWorkRecord>(Topics.buyerGroupResearched);
      const waiting = await readTopic(Topics.buyerGroupResearched, (value) => codec.decode(value));
      let written = 0;
      try {
        const included = () =>
          waiting.records
            .filter((r) => r.key === companyId && r.value.generation > first.generation)
            .reduce((n, r) => n + r.value.originCount, 0);
        for (const half of [titles.slice(0, 10), titles.slice(10)]) {
          await withDatabase(async (db) => {
            // One commit per change, back to back, as an application would write them.
            for (const title of half) {
              await db.query(`UPDATE people SET job_title = $2, updated_at = now() WHERE id = $1`, [
                personId,
                title,
              ]);
            }
          });
          written += half.length;
          await waitFor(() => included() >= written || undefined, {
            timeoutMs: 60_000,
            description: `${written} changes waiting for the sink`,
          });
        }
      } finally {
        await waiting.stop();
      }
    } finally {
      await stackCommand('start', 'sink');
    }
    // Every change of the burst is in a saved generation (none lost, none pending), so the
    // saved group is final for it.
    await waitForIncludedChanges(companyId, 8 + titles.length);
    const final = await waitForGroup(companyId, (g) => g.generation > first.generation, 'saved');
    expect(final.members.get(personId)?.role).toBe(roleBy.last);
    const logs = await withDatabase((db) => refreshLogs(db, companyId));
    expect(final.generation).toBe(Math.max(...logs.map((l) => l.generation)));
  });
});
