/**
 * Steady traffic through the whole pipeline while a test disturbs it (scales a stage, kills a
 * broker), and the checks that nothing it made was lost or counted twice afterwards.
 */
import { randomUUID } from 'node:crypto';
import { Topics } from '@bgs/platform';
import type { Client } from 'pg';
import { ENRICHER_CONSUMER } from '../../services/enricher/src/consumer-groups';
import { REFRESHER_CONSUMERS } from '../../services/refresher/src/consumer-groups';
import { SINK_CONSUMER } from '../../services/sink/src/consumer-groups';
import { unprocessed } from './groups';
import {
  confirmation,
  createCompany,
  createWorkspace,
  postWebhook,
  providerRequests,
  waitForIncludedChanges,
} from './pipeline';
import { publishedGroupsOf, readBuyerGroups, type PublishedGroups } from './published';
import { waitFor } from './wait';

/** Titles that put the coordinator in and out of the group: each update changes the roster. */
const TITLES = ['Software Engineer', 'Marketing Coordinator'] as const;
/** Changes a second, steady: one update and one webhook per tick, companies in turn. */
const TICKS_PER_SECOND = 10;
/** What a new company's first save includes: the org chart's rows, created at once. */
const INITIAL_CHANGES = 8;

/** Every stage's consumer group and the inputs whose lag must drain once traffic stops. */
export const STAGE_GROUPS = [
  { groupId: REFRESHER_CONSUMERS.route.groupId, topics: REFRESHER_CONSUMERS.route.topics },
  // The deferral tiers hold records until their cooldown ends on purpose: not lag to drain.
  { groupId: REFRESHER_CONSUMERS.discover.groupId, topics: [Topics.companyTouches] },
  ENRICHER_CONSUMER,
  SINK_CONSUMER,
];

export interface Traffic {
  readonly companies: readonly string[];
  /** Row updates made, per company. */
  readonly updates: Map<string, number>;
  /** Accepted (202) webhook event ids, per company. */
  readonly webhooks: Map<string, string[]>;
  /** Each 503 ingress answered (only with `retryRefused`): to which event, posted and answered when. */
  readonly refusals: {
    readonly eventId: string;
    readonly sentAt: number;
    readonly answeredAt: number;
  }[];
  /** Stops making changes, and waits for the refused webhooks' retries to be accepted. */
  stop(): Promise<void>;
  /** Resolves once `count` more ticks have gone through. */
  ticks(count: number): Promise<void>;
}

/** A workspace without cooldown and `count` companies, each saved once with its org chart. */
export async function companiesForTraffic(
  db: Client,
  count: number,
  prefix: string,
): Promise<string[]> {
  const workspace = await createWorkspace(db, { cooldownSeconds: 0 });
  const companies: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = `${prefix}-${randomUUID().slice(0, 8)}`;
    const { companyId } = await createCompany(db, workspace, undefined, name);
    companies.push(companyId);
  }
  for (const companyId of companies) await waitForIncludedChanges(companyId, INITIAL_CHANGES);
  return companies;
}

export interface TrafficOptions {
  /**
   * Retry a webhook answered 503 (not accepted, retry later) every second with the same event,
   * as a provider does, until it is accepted; without it a 503 fails the test.
   */
  readonly retryRefused?: boolean;
}

/** How long a refused webhook's retries may take before the test fails. */
const RETRY_FOR_MS = 60_000;

/** Posts `event` once a second while ingress answers 503; resolves once it answered 202. */
async function retryUntilAccepted(event: { readonly id: string }): Promise<void> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { status } = await postWebhook(event, event.id);
    if (status === 202) return;
    if (status !== 503 || Date.now() >= deadline) {
      throw new Error(`webhook ${event.id} retried until ${status}, not accepted`);
    }
  }
}

/**
 * Row updates (through CDC) and webhooks (through ingress) for the companies in turn, on a
 * fixed schedule, until stopped. A webhook answered anything but 202 fails the test, unless
 * `retryRefused` and the answer is 503.
 */
export function startTraffic(
  db: Client,
  companies: readonly string[],
  options: TrafficOptions = {},
): Traffic {
  const updates = new Map(companies.map((c) => [c, 0]));
  const webhooks = new Map(companies.map((c) => [c, [] as string[]]));
  const refusals: Traffic['refusals'] = [];
  const retries: Promise<void>[] = [];
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
    const sentAt = Date.now();
    const { status } = await postWebhook(event, event.id);
    if (status === 503 && options.retryRefused) {
      refusals.push({ eventId: event.id, sentAt, answeredAt: Date.now() });
      // In the background: the schedule goes on meanwhile, as a provider's other events do.
      const retry = retryUntilAccepted(event).then(() => {
        webhooks.get(companyId)?.push(event.id);
      });
      retry.catch(() => undefined); // awaited, and its failure reported, by stop()
      retries.push(retry);
      return;
    }
    expect(status).toBe(202);
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
    companies,
    updates,
    webhooks,
    refusals,
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(retries);
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

/** The changes made so far for a company: its first save's, its updates and its webhooks. */
export function changesMade(traffic: Traffic, companyId: string): number {
  const updates = traffic.updates.get(companyId) ?? 0;
  const webhooks = traffic.webhooks.get(companyId)?.length ?? 0;
  return INITIAL_CHANGES + updates + webhooks;
}

/**
 * Every change in the company's published generations once. A webhook ingress refused may be
 * there twice: a publish it gave up on (and answered 503 for) can land after all, and the
 * provider's retry then publishes the event again. That record is refreshed once more, with
 * no change to the group (docs/operations.md, "Losing a broker").
 */
function expectEachChangeOnce(
  published: PublishedGroups,
  companyId: string,
  updates: number,
  webhooks: readonly string[],
  refused: ReadonlySet<string>,
): void {
  const origins = published.generations().flatMap((g) => g.origins);
  const counted = (prefix: string) => origins.filter((ref) => ref.startsWith(prefix));
  const once = (refs: readonly string[]) => [...new Set(refs)].sort();
  const webhookRefs = counted('webhook:demo:');
  expect(once(webhookRefs)).toEqual(webhooks.map((id) => `webhook:demo:${id}`).sort());
  const again = webhookRefs.filter((ref, i) => webhookRefs.indexOf(ref) !== i);
  expect(again.filter((ref) => !refused.has(ref.slice('webhook:demo:'.length)))).toEqual([]);
  expect(new Set(again).size).toBe(again.length); // twice at most
  // The coordinator's creating insert, then each update; each once.
  const updateRefs = counted(`cdc:people:${companyId}-ops:`);
  expect(updateRefs).toHaveLength(1 + updates);
  expect(new Set(updateRefs).size).toBe(updateRefs.length);
  const order = published.states().map((s) => s.generation);
  expect(order).toEqual([...order].sort((a, b) => a - b));
}

/** The row updates' origins of a company: its coordinator's CDC changes, each once. */
const updateOrigins = (published: PublishedGroups, companyId: string): Set<string> =>
  new Set(
    published
      .generations()
      .flatMap((g) => g.origins)
      .filter((ref) => ref.startsWith(`cdc:people:${companyId}-ops:`)),
  );

/** Waits until the creating insert and every update of the coordinator were published. */
async function waitForUpdates(
  published: PublishedGroups,
  companyId: string,
  updates: number,
): Promise<void> {
  await waitFor(() => updateOrigins(published, companyId).size >= 1 + updates || undefined, {
    timeoutMs: 60_000,
    intervalMs: 200,
    description: `${companyId}: its ${1 + updates} row changes published`,
  });
}

async function lastSavedGeneration(db: Client, companyId: string): Promise<number> {
  const { rows } = await db.query<{ generation: string }>(
    `SELECT max(generation) AS generation FROM buyer_group_refresh_logs
      WHERE company_id = $1 AND status = 'completed'`,
    [companyId],
  );
  return Number(rows[0]?.generation ?? 0);
}

/**
 * After the traffic stopped: every change it made reached its company's saved and published
 * group exactly once, generations only went forward, no generation was logged twice, the
 * provider billed each idempotency key at most once, and every stage's lag drained.
 */
export async function expectTrafficSavedOnce(db: Client, traffic: Traffic): Promise<void> {
  const { companies } = traffic;
  // One reader for every company: buyer-groups is read from its beginning once.
  const reader = await readBuyerGroups();
  try {
    for (const companyId of companies) {
      const webhooks = traffic.webhooks.get(companyId) ?? [];
      // A refused webhook published twice counts twice here, so this can pass one change
      // early: the updates and webhooks are each waited for on the topic below as well.
      await waitForIncludedChanges(companyId, changesMade(traffic, companyId), 180_000);
      const published = publishedGroupsOf(reader, companyId);
      await waitForUpdates(published, companyId, traffic.updates.get(companyId) ?? 0);
      // The sink publishes a generation once saved: wait for the last one saved to be read.
      const last = await lastSavedGeneration(db, companyId);
      await published.waitFor((state) => state.generation >= last, `generation ${last}`);
      for (const id of webhooks) await published.waitForOrigin(`webhook:demo:${id}`);
      const refused = new Set(traffic.refusals.map((r) => r.eventId));
      expectEachChangeOnce(
        published,
        companyId,
        traffic.updates.get(companyId) ?? 0,
        webhooks,
        refused,
      );
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
    const billed = (await providerRequests(db, companyId)).filter((r) => r.outcome === 'billed');
    expect(new Set(billed.map((r) => r.idempotencyKey)).size).toBe(billed.length);
  }
  for (const { groupId, topics } of STAGE_GROUPS) {
    await waitFor(async () => (await unprocessed(groupId, topics)) === 0 || undefined, {
      timeoutMs: 60_000,
      description: `${groupId} drained`,
    });
  }
}
