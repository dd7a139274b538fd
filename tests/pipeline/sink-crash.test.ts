/**
 * Guarantee 6 at its sharpest point: the sink is killed with SIGKILL after its database commit
 * and before its offsets commit. After a restart the batch is redelivered: nothing is saved
 * twice, and the state the killed sink never published is published.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Topics, createSchemaCodec, type BuyerGroupStateRecord } from '@bgs/platform';
import {
  repoRoot,
  requireStack,
  stack,
  stackCommand,
  uniqueName,
  withDatabase,
} from '../helpers/stack';
import { readTopic } from '../helpers/topic-reader';
import { waitFor } from '../helpers/wait';
import {
  createCompany,
  createWorkspace,
  refreshLogs,
  savedGroup,
  waitForIncludedChanges,
} from '../helpers/pipeline';

function startSink(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [path.join(repoRoot, 'services/sink/dist/main.js')], {
    env: {
      ...process.env,
      HTTP_PORT: '58113',
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.registryUrl,
      DATABASE_URL: stack.databaseUrl,
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
      const codec = createSchemaCodec({ url: stack.registryUrl });
      const reader = await readTopic(
        Topics.buyerGroups,
        async (value) => (await codec.decode(value)) as BuyerGroupStateRecord,
      );
      try {
        const published = await waitFor(
          () =>
            reader.records.find(
              (r) => r.key === companyId && r.value.generation >= committed.generation,
            ),
          { timeoutMs: 60_000, description: 'the state published after the restart' },
        );
        expect(published.value.generation).toBeGreaterThanOrEqual(committed.generation);
      } finally {
        await reader.stop();
      }
      await withDatabase(async (db) => {
        const logs = await refreshLogs(db, companyId);
        const generations = logs.map((l) => l.generation);
        expect(new Set(generations).size).toBe(generations.length);
        expect(generations).toContain(committed.generation);
        const group = await savedGroup(db, companyId);
        const { rows } = await db.query<{ n: string }>(
          `SELECT count(*) AS n FROM buyer_group_members WHERE company_id = $1`,
          [companyId],
        );
        expect(Number(rows[0]?.n)).toBe(group?.members.size);
      });
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
