/**
 * Guarantee 5 at the enricher and the sink, through the real stack: what a stage can never
 * process goes to its dead-letter topic with the reason, while the company behind it on the
 * same partition is still saved. Poison (bytes that are not Avro, or an Avro record of the
 * topic's schema cut short) is dead-lettered at once; a record that decodes but that the stage
 * cannot act on is classed by its failure: the provider refusing it is permanent (at once), a
 * value the sink cannot store is retried through the tiers first (docs/pipeline.md).
 */
import { randomUUID } from 'node:crypto';
import { Topics, type BuyerGroupWorkRecord, type Stage } from '@bgs/platform';
import { requireStack, withDatabase } from '../helpers/stack';
import {
  companyIdBeside,
  createCompany,
  createWorkspace,
  partitionOf,
  postWebhook,
  produce,
  restructuring,
  topicCodec,
  waitForDeadLetter,
  waitForGroup,
  waitForRefreshByWebhook,
  type WorkspaceSeed,
} from '../helpers/pipeline';

/** A well-formed group of one member for a company of the test's own, at `level`. */
function workRecord(companyId: string, level: string): BuyerGroupWorkRecord {
  return {
    companyId,
    workspaceId: `ws-${randomUUID().slice(0, 8)}`,
    generation: 1,
    level,
    reason: 'test',
    triggeredBy: 'test:stage-dead-letters',
    origins: [{ ref: `test:${randomUUID()}`, occurredAt: Date.now() }],
    originCount: 1,
    discoveredAt: Date.now(),
    confidence: 5,
    cohesion: 5,
    status: 'ready',
    costUsd: 0.1,
    companySummary: null,
    members: [
      {
        personId: `${companyId}-cto`,
        fullName: 'Ben Tech',
        title: 'Chief Technology Officer',
        department: 'engineering',
        seniority: 'c_level',
        role: 'decision_maker',
        score: 8,
        rationale: 'test',
        enrichment: null,
        research: null,
      },
    ],
  };
}

/** A record the stage's input topic should never hold, and what its dead letter must say. */
interface BadRecord {
  readonly what: string;
  readonly value: (key: string) => Promise<Buffer>;
  readonly error: RegExp;
  readonly attempts: number;
}

/**
 * Creates a company that flows through the stage, puts each bad record on the stage's input
 * ahead of the company's next refresh (keyed by fresh companies on the company's partition),
 * then checks that the refresh is saved and that each bad record is dead-lettered as expected.
 */
async function expectDeadLettered(
  stage: Stage,
  input: string,
  workspace: WorkspaceSeed,
  bad: readonly BadRecord[],
): Promise<void> {
  const { companyId, first } = await withDatabase(async (db) => {
    const { companyId } = await createCompany(db, await createWorkspace(db, workspace));
    const first = await waitForGroup(companyId, (g) => g.members.size > 0, 'a first group');
    return { companyId, first };
  });
  const keyed = await Promise.all(
    bad.map(async (record) => {
      const key = companyIdBeside(companyId);
      return { record, key, value: await record.value(key) };
    }),
  );
  expect(keyed.every(({ key }) => partitionOf(key) === partitionOf(companyId))).toBe(true);
  await produce(
    input,
    keyed.map(({ key, value }) => ({ key, value })),
  );

  // The company's next refresh reaches the stage's input after the bad records, on their
  // partition: saved, it shows the partition kept flowing past them.
  const event = restructuring(companyId);
  expect((await postWebhook(event, event.id)).status).toBe(202);
  const generation = await waitForRefreshByWebhook(companyId, event.id);
  await waitForGroup(
    companyId,
    (g) => g.generation >= generation && g.generation > first.generation,
    'the refresh behind the bad records saved',
  );

  for (const { record, key } of keyed) {
    const line = await waitForDeadLetter(stage, key, 60_000);
    const [, from, attempts, error] = /from=(\S+)\s+attempts=(\d+)\s.*error=(.*)$/.exec(line) ?? [];
    expect({ what: record.what, from, attempts: Number(attempts), error }).toEqual({
      what: record.what,
      from: input,
      attempts: record.attempts,
      error: expect.stringMatching(record.error) as unknown,
    });
  }
}

/** Not Avro at all: no magic byte, no schema id. */
const notAvro: BadRecord = {
  what: 'bytes that are not Avro',
  value: async () => Buffer.from(`garbage-${randomUUID()}`),
  error: /not a [a-z.-]+ Avro record: not the Confluent wire format/,
  attempts: 1,
};

/** The topic's own schema id, then a record cut off in the middle: invalid against it. */
const truncatedOn = (topic: string): BadRecord => ({
  what: `a ${topic} record cut short`,
  value: async (key) => {
    const whole = await topicCodec<BuyerGroupWorkRecord>(topic).encode(workRecord(key, 'identify'));
    return whole.subarray(0, Math.floor(whole.length / 2));
  },
  error: new RegExp(`not a ${topic.replace('.', '\\.')} Avro record: truncated buffer`),
  attempts: 1,
});

describe('dead letters of the enricher and the sink', () => {
  beforeAll(requireStack);

  it('the enricher dead-letters poison and a group the provider refuses at once, and its partition keeps flowing', async () => {
    const input = Topics.buyerGroupDiscovered;
    // A member without a person id decodes (the schema allows any string) but is no person:
    // the provider answers 400, which asking again cannot change.
    const refused: BadRecord = {
      what: 'a group with a member the provider refuses',
      value: async (key) => {
        const work = workRecord(key, 'deep_research');
        const members = work.members.map((m) => ({ ...m, personId: '' }));
        return topicCodec<BuyerGroupWorkRecord>(input).encode({ ...work, members });
      },
      error: /provider rejected enrich: provider enrich call answered 400.*personId/,
      attempts: 1,
    };
    // No cooldown: the workspace's identify groups always go through the enricher.
    await expectDeadLettered('enricher', input, { cooldownSeconds: 0 }, [
      notAvro,
      truncatedOn(input),
      refused,
    ]);
  });

  it('the sink dead-letters poison at once, and a group it cannot store after its retries, while its partition keeps flowing', async () => {
    const input = Topics.buyerGroupResearched;
    // Paid data travels as JSON text (schemas/buyer-group-work.avsc); this is not JSON, which
    // no later attempt will change: the sink retries it (not known to be poison) and gives up.
    const unstorable: BadRecord = {
      what: 'a member whose enrichment is not JSON',
      value: async (key) => {
        const work = workRecord(key, 'enrich');
        const members = work.members.map((m) => ({ ...m, enrichment: 'not json' }));
        return topicCodec<BuyerGroupWorkRecord>(input).encode({ ...work, members });
      },
      error: /is not valid JSON/,
      attempts: 4,
    };
    // The default workspace (identify, with a cooldown): its groups go straight to the sink.
    await expectDeadLettered('sink', input, {}, [notAvro, truncatedOn(input), unstorable]);
  });
});
