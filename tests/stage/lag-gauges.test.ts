/**
 * Each stage exports its own lag (`packages/platform/src/stage/lag-gauges.ts`): a company goes
 * through the running refresher, enricher and sink, then each stage's /metrics carries
 * `bgs_stage_consumer_lag` and `bgs_stage_oldest_unprocessed_age_seconds` for every partition its
 * groups read, and once idle its inputs read 0. The sink's input partition the company went
 * through ends with the commit marker of the enricher's transaction, which no consumer is ever
 * handed: lag counted from the last record would read 1 there; the gauge reads 0.
 */
import { Topics } from '@bgs/platform';
import { ENRICHER_CONSUMER } from '../../services/enricher/src/consumer-groups';
import { REFRESHER_CONSUMERS } from '../../services/refresher/src/consumer-groups';
import { SINK_CONSUMER } from '../../services/sink/src/consumer-groups';
import { createCompany, createWorkspace, partitionOf, waitForGroup } from '../helpers/pipeline';
import {
  instanceUrl,
  kafka,
  requireStack,
  uniqueName,
  withDatabase,
  type Service,
} from '../helpers/stack';
import { waitFor } from '../helpers/wait';

interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Instances `./bgs scale` may run besides the first (another test may have scaled out). */
const MAX_INSTANCES = 3;

/**
 * The samples of `name` every running instance of a service exports on /metrics now: each
 * reports the partitions it is assigned.
 */
async function samples(service: Service, name: string): Promise<Sample[]> {
  const found: Sample[] = [];
  for (let k = 1; k <= MAX_INSTANCES; k += 1) {
    const response = await fetch(`${instanceUrl(service, k)}/metrics`, {
      signal: AbortSignal.timeout(5_000),
    }).catch((error: unknown) => {
      if (k === 1) throw error;
      return undefined; // no such instance
    });
    if (!response) continue;
    if (!response.ok) throw new Error(`${service}#${k} /metrics answered ${response.status}`);
    found.push(...parse(await response.text(), name));
  }
  return found;
}

function parse(text: string, name: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    const sample = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (sample?.[1] !== name) continue;
    const labels = Object.fromEntries(
      [...(sample[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]),
    );
    found.push({ labels, value: Number(sample[3]) });
  }
  return found;
}

/** What each stage reads: its consumer groups and their topics. */
const STAGES: readonly {
  service: Service;
  groups: { groupId: string; topics: readonly string[] }[];
}[] = [
  { service: 'refresher', groups: [REFRESHER_CONSUMERS.route, REFRESHER_CONSUMERS.discover] },
  { service: 'enricher', groups: [ENRICHER_CONSUMER] },
  { service: 'sink', groups: [SINK_CONSUMER] },
];

/** The deferral tiers hold records until their cooldown ends, on purpose: not lag to drain. */
const waitsOnPurpose = (topic: string) => topic.startsWith('refresher.deferred.');

/**
 * Whether the last offset of `topic`'s `partition` (just before `high`) is a control record:
 * a consumer placed on it is handed no message there, only a batch kafkajs resolves itself.
 */
async function endsWithMarker(topic: string, partition: number, high: string): Promise<boolean> {
  const last = (BigInt(high) - 1n).toString();
  const consumer = kafka().consumer({ groupId: uniqueName('lag-marker') });
  let seen: boolean | undefined;
  /** Whether a fetched batch (control records included) spans `last`. */
  const spans = (first: string | null, lastOffset: string) =>
    first !== null && BigInt(first) <= BigInt(last) && BigInt(lastOffset) >= BigInt(last);
  // A batch with no message at all (only markers) never reaches eachBatch: kafkajs reports it.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.partition !== partition || seen !== undefined || payload.batchSize !== 0) return;
    if (spans(payload.firstOffset, payload.lastOffset)) seen = true;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition || seen !== undefined) return;
        if (spans(batch.firstOffset(), batch.lastOffset())) {
          seen = !batch.messages.some((message) => message.offset === last);
        }
      },
    });
    consumer.seek({ topic, partition, offset: last });
    return await waitFor(() => (seen === undefined ? undefined : { marker: seen }), {
      timeoutMs: 15_000,
      description: `a fetch of ${topic}[${partition}] at ${last}`,
    }).then(({ marker }) => marker);
  } finally {
    await consumer.disconnect();
  }
}

describe('lag gauges of the stages', () => {
  beforeAll(requireStack);

  it('exports each input partition’s lag and oldest waiting record, 0 once idle, past the marker', async () => {
    const admin = kafka().admin();
    await admin.connect();
    try {
      const companyId = await withDatabase(async (db) => {
        const { companyId } = await createCompany(db, await createWorkspace(db));
        return companyId;
      });
      await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group', 20_000);

      const topics = [...new Set(STAGES.flatMap((s) => s.groups.flatMap((g) => g.topics)))];
      const metadata = await admin.fetchTopicMetadata({ topics });
      const partitionsOf = (topic: string): number[] =>
        metadata.topics.find((t) => t.name === topic)?.partitions.map((p) => p.partitionId) ?? [];

      for (const { service, groups } of STAGES) {
        const expected = groups.flatMap(({ groupId, topics }) =>
          topics.flatMap((topic) =>
            partitionsOf(topic).map((partition) => `${groupId} ${topic} ${partition}`),
          ),
        );
        expect(expected.length).toBeGreaterThan(0);
        await waitFor(
          async () => {
            const lag = await samples(service, 'bgs_stage_consumer_lag');
            const age = await samples(service, 'bgs_stage_oldest_unprocessed_age_seconds');
            const read = (found: Sample[]) =>
              new Map(
                found.map(({ labels, value }) => [
                  `${labels.group} ${labels.topic} ${labels.partition}`,
                  { value, stage: labels.stage, topic: labels.topic ?? '' },
                ]),
              );
            const lags = read(lag);
            const ages = read(age);
            return expected.every((key) => {
              const l = lags.get(key);
              const a = ages.get(key);
              if (!l || !a || l.stage !== service || a.stage !== service) return false;
              return waitsOnPurpose(l.topic) || (l.value === 0 && a.value === 0);
            });
          },
          {
            timeoutMs: 15_000,
            intervalMs: 250,
            description: `${service}: lag gauges for every input partition, 0 once idle`,
          },
        );
      }

      // The partition the company reached the sink on ends with a commit marker, and reads 0.
      const partition = partitionOf(companyId);
      const ends = await admin.fetchTopicOffsets(Topics.buyerGroupResearched);
      const high = ends.find((e) => e.partition === partition)?.high ?? '0';
      expect(BigInt(high)).toBeGreaterThan(1n);
      expect(await endsWithMarker(Topics.buyerGroupResearched, partition, high)).toBe(true);
      const sinkLag = await samples('sink', 'bgs_stage_consumer_lag');
      expect(
        sinkLag.find(
          ({ labels }) =>
            labels.group === SINK_CONSUMER.groupId &&
            labels.topic === Topics.buyerGroupResearched &&
            labels.partition === String(partition),
        )?.value,
      ).toBe(0);
    } finally {
      await admin.disconnect();
    }
  });
});
