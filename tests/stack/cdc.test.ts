/**
 * A row change committed in Postgres reaches Kafka through Debezium: the real connector,
 * the real replication slot and publication, read back by a plain consumer.
 */
import type { Consumer } from 'kafkajs';
import { Topics } from '@bgs/platform';
import { kafka, requireStack, uniqueName, withDatabase } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

interface DebeziumEnvelope {
  op: 'c' | 'u' | 'd' | 'r';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: { table: string; lsn: number };
}

describe('Debezium CDC from the stack Postgres', () => {
  let consumer: Consumer;
  const events: { key: unknown; value: DebeziumEnvelope }[] = [];

  beforeAll(async () => {
    await requireStack();
    consumer = kafka().consumer({ groupId: uniqueName('cdc-test') });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.cdcPeople, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return; // a tombstone after a delete
        events.push({
          key: JSON.parse(message.key?.toString() ?? 'null'),
          value: JSON.parse(message.value.toString()) as DebeziumEnvelope,
        });
      },
    });
    // Only changes made after the consumer holds its partitions are certain to be seen
    // with fromBeginning: false, so wait for the assignment before writing.
    await waitFor(async () => (await consumerAssigned(consumer)) || undefined, {
      description: 'the test consumer to be assigned cdc.public.people',
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
  });

  it('streams an insert and then an update of a person, in order, with before and after', async () => {
    const companyId = uniqueName('co');
    const personId = uniqueName('p');
    await withDatabase(async (db) => {
      await db.query(
        `INSERT INTO companies (id, workspace_id, name) VALUES ($1, 'ws-test', 'Acme')`,
        [companyId],
      );
      await db.query(
        `INSERT INTO people (id, company_id, full_name, email, job_title, department)
         VALUES ($1, $2, 'Ada Lovelace', 'ada@example.com', 'Staff Engineer', 'Engineering')`,
        [personId, companyId],
      );
      await db.query(
        `UPDATE people SET job_title = 'VP Engineering', updated_at = now() WHERE id = $1`,
        [personId],
      );
    });

    const mine = await waitFor(
      () => {
        const forPerson = events.filter(
          (e) => e.value.after?.id === personId || e.value.before?.id === personId,
        );
        return forPerson.length >= 2 ? forPerson : undefined;
      },
      { timeoutMs: 30_000, description: `two change events for person ${personId}` },
    );

    const [created, updated] = mine;
    expect(created?.key).toEqual({ id: personId });
    expect(created?.value.op).toBe('c');
    expect(created?.value.after).toMatchObject({
      company_id: companyId,
      job_title: 'Staff Engineer',
    });
    expect(updated?.value.op).toBe('u');
    // REPLICA IDENTITY FULL: the update carries the old row, which significance compares.
    expect(updated?.value.before).toMatchObject({ job_title: 'Staff Engineer' });
    expect(updated?.value.after).toMatchObject({ job_title: 'VP Engineering' });
    expect(updated?.value.source.table).toBe('people');
    expect(Number(updated?.value.source.lsn)).toBeGreaterThan(Number(created?.value.source.lsn));
  });
});

async function consumerAssigned(consumer: Consumer): Promise<boolean> {
  const described = await consumer.describeGroup();
  return described.state === 'Stable' && described.members.length > 0;
}
