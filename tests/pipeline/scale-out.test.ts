/**
 * Every stage scales out and back in under steady traffic (`./bgs scale`): refresher, enricher
 * and sink each go from 1 to 3 instances while row updates and webhooks keep coming, then back
 * to 1: the sink and the refresher by SIGTERM (a drain, with the traffic's batches in flight),
 * the enricher once by SIGKILL and then by SIGTERM. Each rebalance moves partitions and their
 * transaction slots between instances; afterwards no change is lost or counted twice, no
 * generation is saved twice or goes back, the provider billed each idempotency key at most
 * once, and every group's lag drains.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@bgs/platform';
import type { Client } from 'pg';
import { ENRICHER_CONSUMER } from '../../services/enricher/src/consumer-groups';
import { REFRESHER_CONSUMERS } from '../../services/refresher/src/consumer-groups';
import { SINK_CONSUMER } from '../../services/sink/src/consumer-groups';
import {
  confirmation,
  createCompany,
  createWorkspace,
  postWebhook,
  providerRequests,
  waitForIncludedChanges,
} from '../helpers/pipeline';
import { publishedGroupsOf, readBuyerGroups, type PublishedGroups } from '../helpers/published';
import { groupMembers, unprocessed } from '../helpers/groups';
import { requireStack, scale, withDatabase, type Service } from '../helpers/stack';
import { waitFor } from '../helpers/wait';

const COMPANIES = 6;
/** Titles that put the coordinator in and out of the group: each update changes the roster. */
const TITLES = ['Software Engineer', 'Marketing Coordinator'] as const;
/** Changes a second, steady: one update and one webhook per tick, companies in turn. */
const TICKS_PER_SECOND = 10;

const GROUPS = [
  { groupId: REFRESHER_CONSUMERS.route.groupId, topics: REFRESHER_CONSUMERS.route.topics },
  // The deferral tiers hold records until their cooldown ends on purpose: not lag to drain.
  { groupId: REFRESHER_CONSUMERS.discover.groupId, topics: [Topics.companyTouches] },
  ENRICHER_CONSUMER,
  SINK_CONSUMER,
];

interface Traffic {
  readonly updates: Map<string, number>;
  readonly webhooks: Map<string, string[]>;
  stop(): Promise<void>;
  /** Resolves once `count` more ticks have gone through. */
  ticks(count: number): Promise<void>;
}

/** Row updates and webhooks for the companies in turn, on a fixed schedule, until stopped. */
function startTraffic(db: Client, companies: readonly string[]): Traffic {
  const updates = new Map(companies.map((c) => [c, 0]));
  const webhooks = new Map(companies.map((c) => [c, [] as string[]]));
  let stopped = false;
  let done = 0;
  const started = Date.now();
  const tick = async (k: number): Promise<void> => {
    const companyId = companies[k % companies.length] as string;
    const made = updates.get(companyId) ?? 0;
    await db.query(`UPDATE people SET job_title = $2, updated_at = now() WHERE id = $1`, [
      `${companyId}-ops`,
      TITLES[made % TITLES.length],
    ]);
    updates.set(companyId, made + 1);
    const event = confirmation(companyId);
    const response = await postWebhook(event, event.id);
    expect(response.status).toBe(202);
    webhooks.get(companyId)?.push(event.id);
  };
  const loop = (async () => {
    for (let k = 0; !stopped; k += 1) {
      // The schedule, not the answers, sets the pace: tick k is due at k / rate.
      const due = started + (k * 1000) / TICKS_PER_SECOND;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      await tick(k);
      done += 1;
    }
  })();
  return {
    updates,
    webhooks,
    async stop() {
      stopped = true;
      await loop;
    },
    async ticks(count) {
      const target = done + count;
      await waitFor(() => done >= target || undefined, {
        timeoutMs: 60_000,
        description: `${count} more changes made`,
      });
    },
  };
}

async function scaleUnderTraffic(traffic: Traffic): Promise<void> {
  const stages: Service[] = ['refresher', 'enricher', 'sink'];
  await Promise.all(stages.map((stage) => scale(stage, 3)));
  for (const { groupId } of GROUPS) {
    await waitFor(async () => (await groupMembers(groupId)) === 3 || undefined, {
      timeoutMs: 60_000,
      description: `3 members in ${groupId}`,
    });
  }
  await traffic.ticks(20);
  // Back to 1: drains with the traffic's batches in flight, and one crash.
  await scale('sink', 1);
  await traffic.ticks(10);
  await scale('enricher', 2, true);
  await traffic.ticks(10);
  await scale('enricher', 1);
  await scale('refresher', 1);
  await traffic.ticks(20);
}

function expectEachChangeOnce(
  published: PublishedGroups,
  companyId: string,
  updates: number,
  webhooks: readonly string[],
): void {
  const origins = published.generations().flatMap((g) => g.origins);
  const counted = (prefix: string) => origins.filter((ref) => ref.startsWith(prefix));
  expect(counted('webhook:demo:').sort()).toEqual(
    webhooks.map((id) => `webhook:demo:${id}`).sort(),
  );
  // The coordinator's creating insert, then each update; each once.
  const updateRefs = counted(`cdc:people:${companyId}-ops:`);
  expect(updateRefs).toHaveLength(1 + updates);
  expect(new Set(updateRefs).size).toBe(updateRefs.length);
  const order = published.states().map((s) => s.generation);
  expect(order).toEqual([...order].sort((a, b) => a - b));
}

describe('scaling every stage out and back in under steady traffic', () => {
  beforeAll(requireStack);
  afterAll(async () => {
    for (const stage of ['refresher', 'enricher', 'sink'] as const) await scale(stage, 1);
  });

  it('loses no change, duplicates no effect, and drains every group', async () => {
    await withDatabase(async (db) => {
      const workspace = await createWorkspace(db, { cooldownSeconds: 0 });
      const companies: string[] = [];
      for (let i = 0; i < COMPANIES; i += 1) {
        const { companyId } = await createCompany(
          db,
          workspace,
          undefined,
          `co-scale-${randomUUID().slice(0, 8)}`,
        );
        companies.push(companyId);
      }
      for (const companyId of companies) await waitForIncludedChanges(companyId, 8);

      const traffic = startTraffic(db, companies);
      try {
        await scaleUnderTraffic(traffic);
      } finally {
        await traffic.stop();
      }

      // One reader for every company: buyer-groups is read from its beginning once.
      const reader = await readBuyerGroups();
      try {
        for (const companyId of companies) {
          const updates = traffic.updates.get(companyId) ?? 0;
          const webhooks = traffic.webhooks.get(companyId) ?? [];
          await waitForIncludedChanges(companyId, 8 + updates + webhooks.length, 180_000);
          const published = publishedGroupsOf(reader, companyId);
          for (const id of webhooks) await published.waitForOrigin(`webhook:demo:${id}`);
          expectEachChangeOnce(published, companyId, updates, webhooks);
        }
      } finally {
        await reader.stop();
      }
      // One refresh log per saved generation, however often its records were redelivered.
      const { rows: twice } = await db.query(
        `SELECT company_id, generation, count(*)::int AS logs FROM buyer_group_refresh_logs
          WHERE company_id = ANY($1) AND generation IS NOT NULL
          GROUP BY company_id, generation HAVING count(*) > 1`,
        [companies],
      );
      expect(twice).toEqual([]);
      // Retries and redeliveries reuse their key; the provider bills a key at most once.
      for (const companyId of companies) {
        const billed = (await providerRequests(db, companyId)).filter(
          (r) => r.outcome === 'billed',
        );
        expect(new Set(billed.map((r) => r.idempotencyKey)).size).toBe(billed.length);
      }
    });
    for (const { groupId, topics } of GROUPS) {
      await waitFor(async () => (await unprocessed(groupId, topics)) === 0 || undefined, {
        timeoutMs: 60_000,
        description: `${groupId} drained`,
      });
    }
  }, 600_000);
});
