/**
 * Guarantee 4 through the real stack: a second paid refresh inside the cooldown window runs
 * after the window, not before, and not never.
 */
import { randomUUID } from 'node:crypto';
import {
  Topics,
  createSchemaCodec,
  createTopicCodec,
  type RefreshRequestRecord,
} from '@bgs/platform';
import { kafka, producerDefaults, requireStack, stack, withDatabase } from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import { createCompany, createWorkspace, operations, waitForGroup } from '../helpers/pipeline';

// Long enough that the first paid refresh completes and the second request is sent inside the
// window even on a loaded CI machine (6 s was missed by 0.4 s once); short enough to wait out.
const COOLDOWN_SECONDS = 15;

async function requestRefresh(companyId: string, workspaceId: string): Promise<void> {
  const codec = createTopicCodec<RefreshRequestRecord>(
    createSchemaCodec({ url: stack.registryUrl }),
    Topics.refreshRequests,
  );
  const producer = kafka().producer(producerDefaults);
  await producer.connect();
  const requestId = randomUUID();
  await producer.send({
    topic: Topics.refreshRequests,
    messages: [
      {
        key: companyId,
        value: await codec.encode({
          requestId,
          workspaceId,
          companyId,
          level: 'enrich',
          reason: 'cooldown test',
          requestedBy: 'test',
          requestedAt: Date.now(),
        }),
      },
    ],
  });
  await producer.disconnect();
}

describe('the paid-refresh cooldown', () => {
  beforeAll(requireStack);

  it('defers a second paid refresh to the end of the window', async () => {
    const { workspace, companyId } = await withDatabase(async (db) => {
      const workspace = await createWorkspace(db, { cooldownSeconds: COOLDOWN_SECONDS });
      const { companyId } = await createCompany(db, workspace);
      await waitForGroup(companyId, (g) => g.members.size > 0, 'a first (identify) group');
      return { workspace, companyId };
    });

    await requestRefresh(companyId, workspace);
    const first = await waitFor(
      () =>
        withDatabase(async (db) => {
          const paid = await operations(db, companyId, 'enrich');
          return paid[0]?.status === 'completed' ? paid[0] : undefined;
        }),
      { description: 'the first paid refresh' },
    );
    const windowEndsAt = await withDatabase(async (db) => {
      const { rows } = await db.query<{ window_ends_at: Date }>(
        `SELECT window_ends_at FROM company_cooldowns WHERE company_id = $1`,
        [companyId],
      );
      return rows[0]?.window_ends_at.getTime() as number;
    });

    // A change the paid data should reflect, and a second paid request, inside the window.
    await withDatabase((db) =>
      db.query(
        `UPDATE people SET job_title = 'Principal Engineer', updated_at = now() WHERE id = $1`,
        [`${companyId}-eng`],
      ),
    );
    await requestRefresh(companyId, workspace);
    expect(Date.now()).toBeLessThan(windowEndsAt);

    const second = await waitFor(
      () =>
        withDatabase(async (db) => {
          const paid = await operations(db, companyId, 'enrich');
          return paid.length >= 2 && paid[1]?.status === 'completed' ? paid[1] : undefined;
        }),
      { timeoutMs: 60_000, description: 'the deferred paid refresh' },
    );
    const paid = await withDatabase((db) => operations(db, companyId, 'enrich'));
    expect(paid).toHaveLength(2);
    expect(first.completedAt?.getTime()).toBeLessThan(windowEndsAt);
    expect(second.createdAt.getTime()).toBeGreaterThanOrEqual(windowEndsAt);
  });
});
