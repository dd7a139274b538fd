/**
 * Guarantee 5 through the real stack: a poison message goes to the dead-letter topic with its
 * reason while its partition keeps flowing, and a dead letter replayed after the fix is saved.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Topics, deadLetterTopic } from '@bgs/platform';
import {
  kafka,
  producerDefaults,
  repoRoot,
  requireStack,
  uniqueName,
  withDatabase,
} from '../helpers/stack';
import { waitFor } from '../helpers/wait';
import {
  createCompany,
  createWorkspace,
  partitionOf,
  postWebhook,
  waitForGroup,
} from '../helpers/pipeline';

const run = promisify(execFile);
const deadLettersCli = path.join(repoRoot, 'packages/platform/dist/cli/dead-letters.js');

/** A fresh company id that lands on the given partition. */
function idOnPartition(partition: number): string {
  for (;;) {
    const id = uniqueName('co');
    if (partitionOf(id) === partition) return id;
  }
}

async function deadLetters(stage: 'refresher'): Promise<string> {
  const { stdout } = await run(process.execPath, [deadLettersCli, 'list', stage], {
    cwd: repoRoot,
  });
  return stdout;
}

const roleChange = (companyId: string) => ({
  id: `evt-${randomUUID()}`,
  type: 'person.role_change',
  timestamp: new Date().toISOString(),
  company: { id: companyId },
  person: { id: `${companyId}-eng`, oldTitle: 'Staff Engineer', newTitle: 'Principal Engineer' },
  changes: { title: { old: 'Staff Engineer', new: 'Principal Engineer' } },
});

describe('dead letters', () => {
  beforeAll(requireStack);

  it('dead-letters undecodable bytes at once, and the partition keeps flowing', async () => {
    const { companyId, first } = await withDatabase(async (db) => {
      const { companyId } = await createCompany(db, await createWorkspace(db));
      const first = await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group');
      return { companyId, first };
    });
    const marker = `garbage-${randomUUID()}`;
    const producer = kafka().producer(producerDefaults);
    await producer.connect();
    // Same key as the company, so the same partition as its next webhook's touch.
    await producer.send({
      topic: Topics.companyTouches,
      messages: [
        { key: companyId, value: Buffer.from(marker), headers: { 'test-marker': marker } },
      ],
    });
    await producer.disconnect();
    expect((await postWebhook(roleChange(companyId))).status).toBe(202);

    await waitForGroup(
      companyId,
      (g) => g.generation > first.generation,
      'the webhook after the poison',
    );
    const listed = await waitFor(
      async () => {
        const out = await deadLetters('refresher');
        return out.split('\n').find((line) => line.includes(`key=${companyId}`));
      },
      { description: 'the poison in refresher.dlq' },
    );
    expect(listed).toContain('from=company-touches');
    expect(listed).toContain('attempts=1');
    expect(listed).toMatch(/not a company-touches Avro record/);
  });

  it('retries a message that fails, dead-letters it after the last tier, and saves it when replayed after the fix', async () => {
    const workspace = await withDatabase((db) => createWorkspace(db));
    // A company the provider knows but we do not have yet: discovery cannot run.
    const unknown = idOnPartition(2);
    const neighbour = await withDatabase(async (db) => {
      const { companyId } = await createCompany(db, workspace, undefined, idOnPartition(2));
      await waitForGroup(companyId, (g) => g.members.size > 0, 'the neighbour saved');
      return companyId;
    });
    const poison = roleChange(unknown);
    expect((await postWebhook(poison, poison.id)).status).toBe(202);
    const neighbourBefore = await waitForGroup(neighbour, () => true, 'the neighbour');
    expect((await postWebhook(roleChange(neighbour))).status).toBe(202);
    // The same partition keeps flowing while the unknown company waits in the retry tiers.
    await waitForGroup(
      neighbour,
      (g) => g.generation > neighbourBefore.generation,
      'the neighbour refreshed while the other is retried',
      20_000,
    );

    const line = await waitFor(
      async () =>
        (await deadLetters('refresher')).split('\n').find((l) => l.includes(`key=${unknown}`)),
      { timeoutMs: 60_000, description: `${unknown} dead-lettered after 2 s, 4 s and 8 s retries` },
    );
    expect(line).toContain('from=company-touches');
    expect(line).toContain('attempts=4');
    expect(line).toContain(`company not found: ${unknown}`);

    // The fix: the company arrives. Then the dead letter is replayed and saved.
    await withDatabase((db) => createCompany(db, workspace, undefined, unknown));
    const position = /^(\d+:\d+)/.exec(line)?.[1] as string;
    const { stdout } = await run(
      process.execPath,
      [deadLettersCli, 'replay', 'refresher', position],
      {
        cwd: repoRoot,
      },
    );
    expect(stdout).toContain(`replayed ${position} → company-touches`);
    await waitFor(
      () =>
        withDatabase(async (db) => {
          const { rows } = await db.query(
            `SELECT 1 FROM buyer_group_refresh_logs
              WHERE company_id = $1 AND status = 'completed' AND triggered_by LIKE $2`,
            [unknown, `%webhook:demo:${poison.id}%`],
          );
          return rows.length > 0;
        }),
      { description: 'the replayed webhook saved' },
    );
    expect(deadLetterTopic('refresher')).toBe('refresher.dlq');
  });
});
