/**
 * The research step (`deep_research`) end to end, counted where the calls land (the local
 * provider's request log): the enricher buys contacts, then research, for exactly the members
 * discovery selects, once per idempotency key (`research:<company>:<sha256 of the people sent>`,
 * services/enricher/src/stage/enrich-step.ts). A refresh that sends the same people buys
 * nothing again; a change to what is sent about a member buys both steps again, once, under
 * new keys.
 */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { requireStack, withDatabase } from '../helpers/stack';
import {
  createCompany,
  createWorkspace,
  expectedGroup,
  operations,
  postWebhook,
  providerRequests,
  restructuring,
  waitForGroup,
  waitForIncludedChanges,
  waitForRefreshByWebhook,
  type ProviderRequest,
  type SavedGroup,
} from '../helpers/pipeline';

/** What the provider's research reply holds per person (services/enricher/src/provider/port.ts). */
interface PersonInsight {
  readonly personId: string;
  readonly summary: string;
  readonly priorities: readonly string[];
}

/**
 * The provider's own digest of the people a request named (its README: the sha256 of the JSON
 * array of the person ids, sorted), per request of the company: who was researched, in the
 * provider's words rather than the enricher's.
 */
async function researchedPeopleDigests(db: Client, companyId: string): Promise<string[]> {
  const { rows } = await db.query<{ people_digest: string }>(
    `SELECT people_digest FROM local_provider.requests
      WHERE company_id = $1 AND operation = 'research' AND outcome <> 'fault' ORDER BY id`,
    [companyId],
  );
  return rows.map((r) => r.people_digest);
}

const digestOfIds = (ids: Iterable<string>): string =>
  createHash('sha256')
    .update(JSON.stringify([...ids].sort()))
    .digest('hex');

/**
 * The provider's answers to the company's requests. Fault settings are the provider's, for
 * every test at once: an injected fault is an attempt the enricher repeats with the same key,
 * not a purchase, so it is left out; a request asked again after an answer shows as `replayed`.
 */
const answered = async (companyId: string): Promise<ProviderRequest[]> =>
  (await withDatabase((db) => providerRequests(db, companyId))).filter(
    (r) => r.outcome !== 'fault',
  );

/** Every key of the company was answered once, and billed that once: nothing bought twice. */
function expectEachKeyBilledOnce(requests: readonly ProviderRequest[]): void {
  const keys = requests.map((r) => r.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(requests.every((r) => r.outcome === 'billed')).toBe(true);
}

const researchOf = (group: SavedGroup, personId: string): PersonInsight | undefined =>
  group.members.get(personId)?.research as PersonInsight | undefined;

const everyMemberResearched = (group: SavedGroup): boolean =>
  group.level === 'deep_research' &&
  group.members.size > 0 &&
  [...group.members.values()].every((m) => m.research !== null && m.enrichment !== null);

describe('the research step', () => {
  beforeAll(requireStack);

  it('researches the discovered members once per key, again only when what is sent about them changes', async () => {
    const { companyId, first, expected } = await withDatabase(async (db) => {
      // Cooldown 0: every change is refreshed at deep_research at once, none deferred.
      const workspace = await createWorkspace(db, {
        changeLevel: 'deep_research',
        cooldownSeconds: 0,
      });
      const { companyId } = await createCompany(db, workspace);
      // The company and its 7 people, all in saved generations before anything is counted.
      await waitForIncludedChanges(companyId, 8);
      const first = await waitForGroup(companyId, everyMemberResearched, 'a researched group');
      return { companyId, first, expected: await expectedGroup(db, companyId) };
    });
    const ops = `${companyId}-ops`;
    const eng = `${companyId}-eng`;

    // The members are the ones discovery selects (the marketing coordinator is not one), and
    // each carries the provider's insight about that very person, by the title on record.
    expect(new Set(first.members.keys())).toEqual(new Set(expected.keys()));
    expect(expected.has(ops)).toBe(false);
    expect(researchOf(first, eng)).toEqual({
      personId: eng,
      summary: expect.stringContaining('(Staff Engineer, engineering)') as unknown,
      priorities: expect.arrayContaining([expect.any(String)]) as unknown,
    });
    for (const personId of first.members.keys()) {
      expect(researchOf(first, personId)?.personId).toBe(personId);
    }

    const bought = await answered(companyId);
    // Contacts first, research on what they returned: one call each, each billed once.
    expect(bought.map((r) => r.operation)).toEqual(['enrich', 'research']);
    expectEachKeyBilledOnce(bought);
    const [, research] = bought as [ProviderRequest, ProviderRequest];
    expect(research.idempotencyKey).toMatch(new RegExp(`^research:${companyId}:[0-9a-f]{32}$`));
    // The provider was asked about exactly the saved members, nobody else.
    expect(await withDatabase((db) => researchedPeopleDigests(db, companyId))).toEqual([
      digestOfIds(first.members.keys()),
    ]);
    const paid = await withDatabase((db) => operations(db, companyId, 'research'));
    expect(paid.map((p) => [p.key, p.status])).toEqual([[research.idempotencyKey, 'completed']]);
    expect(paid[0]?.costUsd).toBeCloseTo(3.5);

    // A significant change that leaves the researched roster as it was: the coordinator's new
    // title keeps them out of the group (as the domain decides), so the same people are sent.
    const stillOutside = await withDatabase((db) =>
      expectedGroup(db, companyId, { [ops]: { jobTitle: 'Marketing Specialist' } }),
    );
    expect(stillOutside).toEqual(expected);
    await withDatabase((db) =>
      db.query(
        `UPDATE people SET job_title = 'Marketing Specialist', updated_at = now() WHERE id = $1`,
        [ops],
      ),
    );
    await waitForIncludedChanges(companyId, 9);
    // And a repeat: a company event refreshes the group from what is known now.
    const event = restructuring(companyId);
    expect((await postWebhook(event, event.id)).status).toBe(202);
    const repeated = await waitForRefreshByWebhook(companyId, event.id);
    const resaved = await waitForGroup(
      companyId,
      (g) => g.generation >= repeated && everyMemberResearched(g),
      'the repeat saved, still researched',
    );
    expect(resaved.generation).toBeGreaterThan(first.generation);
    // Both refreshes ran at deep_research and reused what the ledger holds: not one more
    // request reached the provider, billed or replayed.
    expect(await answered(companyId)).toEqual(bought);

    // A change to what is sent about a member (the engineer's title): both steps are bought
    // again, once each, under keys of their own.
    await withDatabase((db) =>
      db.query(
        `UPDATE people SET job_title = 'Principal Engineer', updated_at = now() WHERE id = $1`,
        [eng],
      ),
    );
    const changed = await waitForGroup(
      companyId,
      (g) =>
        g.generation > resaved.generation &&
        everyMemberResearched(g) &&
        (researchOf(g, eng)?.summary.includes('(Principal Engineer, engineering)') ?? false),
      'the engineer researched again by the new title',
    );
    const after = await answered(companyId);
    expect(after.slice(0, bought.length)).toEqual(bought);
    const rebought = after.slice(bought.length);
    expect(rebought.map((r) => r.operation)).toEqual(['enrich', 'research']);
    expectEachKeyBilledOnce(after);
    const newResearch = rebought[1] as ProviderRequest;
    expect(newResearch.idempotencyKey).not.toBe(research.idempotencyKey);
    expect(newResearch.idempotencyKey.startsWith(`research:${companyId}:`)).toBe(true);
    // The same people asked about (nobody joined or left), with something new to say of one.
    expect(await withDatabase((db) => researchedPeopleDigests(db, companyId))).toEqual([
      digestOfIds(first.members.keys()),
      digestOfIds(changed.members.keys()),
    ]);
    expect(new Set(changed.members.keys())).toEqual(new Set(first.members.keys()));
  });
});
