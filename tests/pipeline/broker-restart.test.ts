/**
 * Guarantee 6 for the broker: Kafka stops and starts again under the running services while
 * changes keep coming, by both doors: row updates (Debezium holds them in the WAL meanwhile)
 * and webhooks (answered 503 while Kafka is away, and retried by their provider until
 * accepted). Afterwards every change is in exactly one published generation and the final
 * group is the one the last change leads to. Some kafkajs consumers give up for good on such
 * an outage (no group coordinator is a non-retriable error); the stage runtime must replace
 * them, or nothing is consumed again.
 */
import { requireStack, serviceStatus, stackCommand, withDatabase } from '../helpers/stack';
import {
  createCompany,
  confirmation,
  createWorkspace,
  expectedGroup,
  postWebhook,
  waitForGroup,
  waitForIncludedChanges,
} from '../helpers/pipeline';
import { publishedGroups } from '../helpers/published';
import { waitFor } from '../helpers/wait';

/** Titles that put the coordinator in and out of the group: each update changes the roster. */
const TITLES = ['Software Engineer', 'Marketing Coordinator'] as const;

/**
 * Posts the event until ingress accepts it, as a provider retries a 503. Each attempt also
 * updates a row (`change`), so row changes keep coming through the outage at the same pace.
 */
async function deliverUntilAccepted(
  event: { id: string },
  change: () => Promise<void>,
): Promise<number> {
  let refusals = 0;
  await waitFor(
    async () => {
      await change();
      const response = await postWebhook(event, event.id);
      if (response.status === 202) return true;
      expect(response.status).toBe(503);
      refusals += 1;
      return undefined;
    },
    { timeoutMs: 120_000, intervalMs: 250, description: `webhook ${event.id} accepted` },
  );
  return refusals;
}

describe('a broker restart under the running pipeline, with changes in flight', () => {
  beforeAll(requireStack);

  it('saves every change made before, during and after the outage, each once', async () => {
    const companyId = await withDatabase(async (db) => {
      const { companyId } = await createCompany(
        db,
        await createWorkspace(db, { cooldownSeconds: 0 }),
      );
      await waitForIncludedChanges(companyId, 8);
      return companyId;
    });
    const coordinator = `${companyId}-ops`;
    let restarted = false;
    let updates = 0;
    let refusals = 0;
    const webhooks: string[] = [];
    // Both doors keep delivering until the broker is back and ten more changes are through.
    const traffic = withDatabase(async (db) => {
      const update = async () => {
        await db.query(`UPDATE people SET job_title = $2, updated_at = now() WHERE id = $1`, [
          coordinator,
          TITLES[updates % TITLES.length],
        ]);
        updates += 1;
      };
      for (let after = 0; !restarted || after < 10; after += restarted ? 1 : 0) {
        const event = confirmation(companyId);
        refusals += await deliverUntilAccepted(event, update);
        webhooks.push(event.id);
      }
    });
    const outage = (async () => {
      await waitFor(() => webhooks.length >= 3 || undefined, {
        description: 'traffic flowing before the outage',
      });
      try {
        await stackCommand('stop', 'kafka');
      } finally {
        await stackCommand('start', 'kafka');
        restarted = true;
      }
    })();
    await Promise.all([traffic, outage]);
    // The outage was felt at the door: some delivery was refused and retried.
    expect(refusals).toBeGreaterThan(0);

    // Read from the beginning once the broker is back (a consumer of ours would not outlive it).
    const published = await publishedGroups(companyId);
    try {
      // The company's 8 creating changes, every update and every accepted webhook.
      await waitForIncludedChanges(companyId, 8 + updates + webhooks.length, 180_000);
      for (const id of webhooks) await published.waitForOrigin(`webhook:demo:${id}`);
      const origins = published.generations().flatMap((g) => g.origins);
      const counted = (prefix: string) => origins.filter((ref) => ref.startsWith(prefix));
      // Counted, not deduplicated: each change once, on the topic the sink publishes.
      expect(counted('webhook:demo:').sort()).toEqual(
        webhooks.map((id) => `webhook:demo:${id}`).sort(),
      );
      const updateRefs = counted(`cdc:people:${coordinator}:`);
      // The creating insert of the coordinator, then each update.
      expect(updateRefs).toHaveLength(1 + updates);
      expect(new Set(updateRefs).size).toBe(updateRefs.length);
      const order = published.states().map((s) => s.generation);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    } finally {
      await published.stop();
    }

    // The final group is the one the last title leads to (the roster as it is now).
    const expected = await withDatabase((db) => expectedGroup(db, companyId));
    const saved = await waitForGroup(companyId, (g) => g.members.size > 0, 'the final group');
    expect(Object.fromEntries([...saved.members].map(([id, m]) => [id, m.role]))).toEqual(
      Object.fromEntries(expected),
    );
    // And every stage reports ready again: none is left with a consumer that gave up.
    for (const service of ['refresher', 'enricher', 'sink'] as const) {
      await waitFor(async () => (await serviceStatus(service, '/readyz')) === 200 || undefined, {
        timeoutMs: 60_000,
        description: `${service} ready again`,
      });
    }
  });
});
