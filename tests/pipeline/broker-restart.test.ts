/**
 * Guarantee 6 for the broker: Kafka stops and starts again under the running services. Some
 * kafkajs consumers give up for good on such an outage (no group coordinator is a
 * non-retriable error); the stage runtime must replace them, or nothing is consumed again.
 */
import { requireStack, stackCommand, withDatabase } from '../helpers/stack';
import { createCompany, createWorkspace, waitForGroup } from '../helpers/pipeline';
import { waitFor } from '../helpers/wait';

describe('a broker restart under the running pipeline', () => {
  beforeAll(requireStack);

  it('still saves changes made after the broker is back', async () => {
    try {
      await stackCommand('stop', 'kafka');
    } finally {
      await stackCommand('start', 'kafka');
    }
    const companyId = await withDatabase(
      async (db) => (await createCompany(db, await createWorkspace(db))).companyId,
    );
    const saved = await waitForGroup(
      companyId,
      (g) => g.members.size > 0,
      'a group saved after the broker restart',
      120_000,
    );
    expect(saved.members.size).toBeGreaterThan(0);
    // And every stage reports ready again: none is left with a consumer that gave up.
    for (const port of [58101, 58102, 58103]) {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
        timeoutMs: 60_000,
        description: `the service on ${port} ready again`,
      });
    }
  });
});
