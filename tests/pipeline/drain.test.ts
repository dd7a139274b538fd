/**
 * SIGTERM with a batch in flight, proven on the sink. The test holds the company's
 * `buyer_groups` row (FOR UPDATE), so the sink's save of a change waits on it: the batch is in
 * flight, seen in pg_stat_activity, when the signal arrives.
 *
 * - Released soon after the signal, the batch finishes and commits its offsets, the sink
 *   leaves its group at once (no member left for the session timeout to expire) and exits
 *   cleanly, within the grace period deploy/k8s gives it.
 * - Held past the sink's shutdown timeout, the batch is abandoned without committing its
 *   offsets: the sink exits, and once it runs again it saves the change, once.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from 'pg';
import { Topics } from '@bgs/platform';
import { SINK_CONSUMER } from '../../services/sink/src/consumer-groups';
import { groupMembers, unprocessed } from '../helpers/groups';
import {
  confirmation,
  createCompany,
  createWorkspace,
  postWebhook,
  waitForIncludedChanges,
} from '../helpers/pipeline';
import { publishedGroups } from '../helpers/published';
import {
  partPid,
  repoRoot,
  requireStack,
  restoreStack,
  stackCommand,
  withDatabase,
} from '../helpers/stack';
import { waitFor } from '../helpers/wait';

/** deploy/k8s/base/sink: terminationGracePeriodSeconds. */
const GRACE_MS = 30_000;
/** The sink's SHUTDOWN_TIMEOUT_MS (the platform's default, which the local stack keeps). */
const SHUTDOWN_TIMEOUT_MS = 15_000;
const INPUT = [Topics.buyerGroupResearched];

const sinkLog = (): string =>
  readFileSync(
    path.join(process.env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack'), 'logs', 'sink.log'),
    'utf8',
  );

const exited = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};

/** Holds the company's saved row until the returned release is called. */
async function holdSavedRow(db: Client, companyId: string): Promise<() => Promise<void>> {
  await db.query('BEGIN');
  await db.query('SELECT 1 FROM buyer_groups WHERE company_id = $1 FOR UPDATE', [companyId]);
  return async () => void (await db.query('COMMIT'));
}

async function sinkWaitingOnLock(db: Client): Promise<true | undefined> {
  const { rows } = await db.query<{ waiting: number }>(
    `SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE application_name = 'sink' AND wait_event_type = 'Lock'`,
  );
  return (rows[0]?.waiting ?? 0) > 0 || undefined;
}

/** A company whose group is saved, and a change to it whose save the sink is now stuck in. */
async function batchInFlight(db: Client, locker: Client) {
  const { companyId } = await createCompany(db, await createWorkspace(db, { cooldownSeconds: 0 }));
  await waitForIncludedChanges(companyId, 8);
  const release = await holdSavedRow(locker, companyId);
  const event = confirmation(companyId);
  expect((await postWebhook(event, event.id)).status).toBe(202);
  await waitFor(() => sinkWaitingOnLock(db), { description: 'the sink saving, on the lock' });
  return { companyId, ref: `webhook:demo:${event.id}`, release };
}

async function expectSavedOnce(companyId: string, ref: string): Promise<void> {
  const published = await publishedGroups(companyId);
  try {
    await published.waitForOrigin(ref);
    expect(published.occurrences(ref)).toBe(1);
  } finally {
    await published.stop();
  }
}

describe('a sink told to stop with a batch in flight', () => {
  beforeAll(requireStack);
  afterAll(restoreStack);

  it('finishes the batch, commits it, leaves its group at once and exits in time', async () => {
    await withDatabase((db) =>
      withDatabase(async (locker) => {
        const { companyId, ref, release } = await batchInFlight(db, locker);
        const pid = partPid('sink');
        const logBefore = sinkLog().length;
        const signalled = Date.now();
        process.kill(pid, 'SIGTERM');
        await waitFor(() => sinkLog().slice(logBefore).includes('stopping') || undefined, {
          description: 'the sink shutting down',
        });
        await release();
        await waitFor(() => exited(pid) || undefined, {
          timeoutMs: GRACE_MS,
          intervalMs: 100,
          description: `the sink gone within its ${GRACE_MS} ms grace period`,
        });
        expect(Date.now() - signalled).toBeLessThan(GRACE_MS);
        expect(sinkLog().slice(logBefore)).toContain('"event":"shutdown_complete"');
        // It left the group itself: nobody waits for its session to expire.
        expect(await groupMembers(SINK_CONSUMER.groupId)).toBe(0);
        // And committed the batch it finished on the way out.
        expect(await unprocessed(SINK_CONSUMER.groupId, INPUT)).toBe(0);
        await stackCommand('start', 'sink');
        await expectSavedOnce(companyId, ref);
      }),
    );
  }, 120_000);

  it('abandons a batch it cannot finish in time without committing it, and saves it after', async () => {
    await withDatabase((db) =>
      withDatabase(async (locker) => {
        const { companyId, ref, release } = await batchInFlight(db, locker);
        const pid = partPid('sink');
        const logBefore = sinkLog().length;
        process.kill(pid, 'SIGTERM');
        try {
          await waitFor(() => exited(pid) || undefined, {
            timeoutMs: SHUTDOWN_TIMEOUT_MS + 10_000,
            intervalMs: 100,
            description: 'the sink gone after its shutdown timeout',
          });
          expect(sinkLog().slice(logBefore)).not.toContain('"event":"shutdown_complete"');
          // The abandoned batch's record is still to be processed: its offset was not committed.
          expect(await unprocessed(SINK_CONSUMER.groupId, INPUT)).toBeGreaterThan(0);
        } finally {
          await release();
        }
        await stackCommand('start', 'sink');
        await expectSavedOnce(companyId, ref);
      }),
    );
  }, 120_000);
});
