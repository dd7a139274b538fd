/**
 * A provider reporting a person's moves names, as the company left, the upstream row's company
 * rather than the one it last reported: A → B, then A → C, or back home as A → A. The second
 * report must still take the person out of B's saved group, though it never names B: ingress
 * touches where the person was known to be before the move (the company observed until then,
 * the row's), through the real stack.
 */
import { randomUUID } from 'node:crypto';
import {
  createCompany,
  createWorkspace,
  postWebhook,
  waitForGroup,
  type SavedGroup,
} from '../helpers/pipeline';
import { requireStack, withDatabase } from '../helpers/stack';

/** A `person.company_change` the way such a provider sends it: `old` is what it believes. */
function reportedMove(personId: string, from: string, to: string) {
  return {
    id: `evt-${randomUUID()}`,
    type: 'person.company_change',
    timestamp: new Date().toISOString(),
    company: { id: to },
    person: { id: personId },
    changes: { company: { old: from, new: to } },
  };
}

/** Companies A, B and C of one workspace, each with its first group; the mover is A's VP. */
async function threeCompanies() {
  return withDatabase(async (db) => {
    const workspace = await createWorkspace(db);
    const [a, b, c] = [
      (await createCompany(db, workspace)).companyId,
      (await createCompany(db, workspace)).companyId,
      (await createCompany(db, workspace)).companyId,
    ];
    const mover = `${a}-vpe`;
    const first = {
      a: await waitForGroup(a, (g) => g.members.has(mover), 'the mover in its own group'),
      b: await waitForGroup(b, (g) => g.members.size > 0, 'a first group'),
      c: await waitForGroup(c, (g) => g.members.size > 0, 'a first group'),
    };
    return { a, b, c, mover, first };
  });
}

/** Reports the move A → B and waits until both groups show it. */
async function firstMove(
  a: string,
  b: string,
  mover: string,
  first: Record<'a' | 'b', SavedGroup>,
) {
  const toB = reportedMove(mover, a, b);
  expect((await postWebhook(toB, toB.id)).status).toBe(202);
  const inB = await waitForGroup(
    b,
    (g) => g.generation > first.b.generation && g.members.has(mover),
    'B saved with the mover',
  );
  const outOfA = await waitForGroup(
    a,
    (g) => g.generation > first.a.generation && !g.members.has(mover),
    'A saved without the mover',
  );
  return { inB, outOfA };
}

describe('a person reported moving twice, the second report naming a stale old company', () => {
  beforeAll(requireStack);

  it("leaves the company of the first move when the second names the row's company as left", async () => {
    const { a, b, c, mover, first } = await threeCompanies();
    const { inB } = await firstMove(a, b, mover, first);

    // Sent once the first has landed, so it is the newer observation; it names A, not B.
    const toC = reportedMove(mover, a, c);
    expect((await postWebhook(toC, toC.id)).status).toBe(202);
    await waitForGroup(
      c,
      (g) => g.generation > first.c.generation && g.members.has(mover),
      'C saved with the mover',
    );
    await waitForGroup(
      b,
      (g) => g.generation > inB.generation && !g.members.has(mover),
      'B saved without the mover',
    );
  });

  it('leaves the company of the first move on a move back home reported as A → A', async () => {
    const { a, b, mover, first } = await threeCompanies();
    const { inB, outOfA } = await firstMove(a, b, mover, first);

    const home = reportedMove(mover, a, a);
    expect((await postWebhook(home, home.id)).status).toBe(202);
    await waitForGroup(
      a,
      (g) => g.generation > outOfA.generation && g.members.has(mover),
      'A saved with the mover again',
    );
    await waitForGroup(
      b,
      (g) => g.generation > inB.generation && !g.members.has(mover),
      'B saved without the mover',
    );
  });
});
