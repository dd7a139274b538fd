/**
 * Guarantee 6 at its sharpest point: the sink is killed with SIGKILL after its database commit
 * and before its offsets commit. After a restart the batch is redelivered: nothing is saved
 * twice, and the state the killed sink never published is published.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  repoRoot,
  requireStack,
  serviceEnv,
  stackCommand,
  uniqueName,
  withDatabase,
} from '../helpers/stack';
import { publishedGroups } from '../helpers/published';
import { waitFor } from '../helpers/wait';
import {
  createCompany,
  createWorkspace,
  refreshLogs,
  savedGroup,
  sinkSaves,
  waitForIncludedChanges,
} from '../helpers/pipeline';

function startSink(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [path.join(repoRoot, 'services/sink/dist/main.js')], {
    env: {
      ...process.env,
      ...serviceEnv(58113),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return { child, output: () => output };
}

describe('the sink killed between its database commit and its offset commit', () => {
  beforeAll(requireStack);

  it('neither loses nor duplicates anything after a restart', async () => {
    await stackCommand('stop', 'sink');
    // Only a batch holding this test's company stops; anything else in flight passes through.
    const doomed = startSink({ FAILPOINTS: 'sink.after-db-commit@crash-' });
    try {
      await waitFor(
        () => doomed.output().includes('"consuming"') || doomed.output().includes('consuming'),
        {
          description: 'the failpoint sink consuming',
        },
      );
      const companyId = await withDatabase(
        async (db) =>
          (await createCompany(db, await createWorkspace(db), undefined, uniqueName('crash')))
            .companyId,
      );
      // The database commit happened; the process now hangs at the failpoint.
      const committed = await waitFor(() => withDatabase((db) => savedGroup(db, companyId)), {
        timeoutMs: 60_000,
        description: 'the group committed to the database',
      });
      await waitFor(() => doomed.output().includes('failpoint reached'), {
        timeoutMs: 30_000,
        description: 'the sink at its failpoint',
      });
      doomed.child.kill('SIGKILL');
      await waitFor(() => doomed.child.exitCode !== null || doomed.child.signalCode !== null, {
        description: 'the sink dead',
      });

      await stackCommand('start', 'sink');
      // Every change of the company ends up saved, once.
      await waitForIncludedChanges(companyId, 8, 90_000);
      const published = await publishedGroups(companyId);
      try {
        // The very generation the killed sink committed and never published is published now,
        // as it was saved: a newer generation on the topic would not prove the republish.
        const republished = await waitFor(
          () => published.states().find((r) => r.generation === committed.generation),
          {
            timeoutMs: 60_000,
            description: 'the committed generation published after the restart',
          },
        );
        expect(republished.members.map((m) => m.personId).sort()).toEqual(
          [...committed.members.keys()].sort(),
        );
        // Each of the company's 8 source changes is in exactly one published generation, and
        // the generations on the topic only grow.
        const origins = published.generations().flatMap((g) => g.origins);
        expect(origins).toHaveLength(8);
        expect(new Set(origins).size).toBe(8);
        const order = published.states().map((r) => r.generation);
        expect(order).toEqual([...order].sort((x, y) => x - y));
      } finally {
        await published.stop();
      }
      // The restarted sink found the batch saved already: it republished, it did not save again.
      expect(await sinkSaves('already_saved')).toBeGreaterThanOrEqual(1);
      const logs = await withDatabase((db) => refreshLogs(db, companyId));
      expect(logs.find((l) => l.generation === committed.generation)?.status).toBe('completed');
    } catch (error) {
      // What the doomed sink said is the first thing to read when this fails.
      throw new Error(
        `${String(error)}\n--- failpoint sink output ---\n${doomed.output().slice(-3000)}`,
      );
    } finally {
      if (doomed.child.exitCode === null && doomed.child.signalCode === null)
        doomed.child.kill('SIGKILL');
      await stackCommand('start', 'sink');
    }
  });
});
