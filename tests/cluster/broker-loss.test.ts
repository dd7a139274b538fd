/**
 * A Kafka cluster of three brokers (`./bgs up --brokers 3`: topics with 3 replicas and
 * min.insync.replicas=2) loses one to SIGKILL under steady traffic, and gets it back. The broker
 * killed is the active controller, which also leads a third of every topic's partitions and
 * holds some of the consumer groups and transactions: leaders, coordinators and the controller
 * move while every producer writes with acks=all to partitions left with exactly two replicas in
 * sync. Traffic keeps flowing with the broker down, and afterwards nothing accepted is lost and
 * nothing is duplicated in effect.
 *
 * It runs its own stack beside the main one (cluster-stack.ts), started here and reset after.
 */
import { brokerPart, CLUSTER_BROKERS } from '../helpers/cluster-stack';
import { topicCatalogue, Topics } from '@bgs/platform';
import { waitForIncludedChanges } from '../helpers/pipeline';
import { kafka, killPart, requireStack, stackCommand, withDatabase } from '../helpers/stack';
import {
  changesMade,
  companiesForTraffic,
  expectTrafficSavedOnce,
  startTraffic,
  type Traffic,
} from '../helpers/steady-traffic';
import { waitFor } from '../helpers/wait';

const COMPANIES = 6;

/** Replica count and min.insync.replicas of each topic, as the cluster reports them. */
async function replicationOf(topics: readonly string[]): Promise<Map<string, string>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const { topics: metadata } = await admin.fetchTopicMetadata({ topics: [...topics] });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: 2 /* TOPIC */, name })),
    });
    return new Map(
      metadata.map((t) => {
        const replicas = Math.min(...t.partitions.map((p) => p.replicas.length));
        const minIsr = resources
          .find((r) => r.resourceName === t.name)
          ?.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue;
        return [t.name, `${replicas} replicas, min.insync.replicas ${minIsr}`];
      }),
    );
  } finally {
    await admin.disconnect();
  }
}

async function activeController(): Promise<number> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).controller ?? 1;
  } finally {
    await admin.disconnect();
  }
}

/** The partitions of a topic whose in-sync replicas are down to `count`, of how many. */
async function partitionsInSync(topic: string, count: number): Promise<[number, number]> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions ?? [];
    return [partitions.filter((p) => p.isr.length === count).length, partitions.length];
  } finally {
    await admin.disconnect();
  }
}

/**
 * Waits until the controller has fenced the dead broker: it leaves every ISR at once, and the
 * partitions it led get new leaders. Until then (broker.session.timeout.ms, 9 s by default,
 * after its last heartbeat) writes to those partitions wait.
 */
async function waitUntilFencedOut(victim: string): Promise<void> {
  await waitFor(
    async () => {
      const [down, all] = await partitionsInSync(Topics.personChanges, CLUSTER_BROKERS - 1);
      return (all > 0 && down === all) || undefined;
    },
    { timeoutMs: 60_000, description: `${victim} out of every person-changes ISR` },
  );
}

/** Waits until every company's saved group includes every change accepted so far. */
async function waitForEverythingMadeSoFar(traffic: Traffic): Promise<void> {
  const made = traffic.companies.map((c) => [c, changesMade(traffic, c)] as const);
  for (const [companyId, count] of made) await waitForIncludedChanges(companyId, count, 120_000);
}

describe('a Kafka cluster of three losing a broker under steady traffic', () => {
  beforeAll(async () => {
    // A run cut short leaves its cluster behind: stop it by PID and start from nothing.
    await stackCommand('reset');
    await stackCommand('up', '--brokers', String(CLUSTER_BROKERS));
    await requireStack();
  }, 420_000);
  // Stopped, not deleted: its logs stay in .stack/cluster/logs until the next run resets it.
  afterAll(async () => {
    await stackCommand('down');
  }, 180_000);

  it('provisions every topic with 3 replicas, 2 of them needed for a write', async () => {
    const topics = topicCatalogue.map((t) => t.name);
    const replication = await replicationOf(topics);
    expect(Object.fromEntries(replication)).toEqual(
      Object.fromEntries(topics.map((t) => [t, '3 replicas, min.insync.replicas 2'])),
    );
  });

  it('keeps accepting and saving with a broker down, and loses or duplicates nothing', async () => {
    await withDatabase(async (db) => {
      const companies = await companiesForTraffic(db, COMPANIES, 'co-brokers');
      const traffic = startTraffic(db, companies, { retryRefused: true });
      try {
        await traffic.ticks(20);
        const victim = brokerPart(await activeController());
        const killedAt = Date.now();
        await killPart(victim);
        await waitUntilFencedOut(victim);
        const failedOverAt = Date.now();
        // Failed over, the broker still down: every webhook accepted at once, every change saved.
        await traffic.ticks(30);
        await waitForEverythingMadeSoFar(traffic);
        const refusedWhileDown = traffic.refusals.filter(({ sentAt }) => sentAt > failedOverAt);
        await stackCommand('start', victim);
        await traffic.ticks(30);
        // A webhook is refused (503, retry later) only while the cluster fails over: until the
        // dead broker is fenced, writes to the partitions it led or followed wait, and ingress
        // gives a send up after PRODUCE_TIMEOUT_MS. The provider's retries got each one in.
        expect(refusedWhileDown).toEqual([]);
        expect(traffic.refusals.filter(({ answeredAt }) => answeredAt < killedAt)).toEqual([]);
        // The figures docs/operations.md ("Losing a broker") quotes.
        console.info(
          `${victim} killed; fenced out after ${((failedOverAt - killedAt) / 1000).toFixed(1)} s; ` +
            `${traffic.refusals.length} webhook(s) refused meanwhile and retried`,
        );
      } finally {
        await traffic.stop();
      }
      await expectTrafficSavedOnce(db, traffic);
    });
  }, 600_000);
});
