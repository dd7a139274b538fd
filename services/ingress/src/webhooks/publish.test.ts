import type { Observation } from '@bgs/domain';
import { Topics, type PersonChangeRecord, type SchemaCodec } from '@bgs/platform';
import type { KnownCompanies, ObservationStore } from './observations';
import { createPersonChangePublisher } from './publish';

/** Values are sent as JSON instead of Avro, so the test reads back what was sent. */
const codec: Pick<SchemaCodec, 'latestId' | 'encode'> = {
  latestId: () => Promise.resolve(1),
  encode: (_id, value) => Promise.resolve(Buffer.from(JSON.stringify(value))),
};

const move = (over: Partial<PersonChangeRecord> = {}): PersonChangeRecord => ({
  eventId: 'evt-2',
  source: 'demo',
  eventType: 'person.company_change',
  companyId: 'co-c',
  previousCompanyId: 'co-a',
  personId: 'p-1',
  changes: [{ field: 'company', before: 'co-a', after: 'co-c' }],
  occurredAt: 2_000,
  receivedAt: 2_500,
  payload: '{}',
  ...over,
});

function publisherWith(known: KnownCompanies, failRecord = false) {
  const recorded: Observation[][] = [];
  const sent: { topic: string; keys: string[] }[] = [];
  const observations: ObservationStore = {
    record: (batch) => {
      recorded.push([...batch]);
      return failRecord ? Promise.reject(new Error('database down')) : Promise.resolve(known);
    },
  };
  const publisher = createPersonChangePublisher({
    producer: {
      sendBatch: ({ topicMessages = [] }) => {
        for (const { topic, messages } of topicMessages) {
          sent.push({ topic, keys: messages.map((m) => String(m.key)) });
        }
        return Promise.resolve([]);
      },
    },
    codec: codec as SchemaCodec,
    observations,
    timeoutMs: 5_000,
  });
  return { publisher, recorded, sent };
}

describe('a delivery leaving ingress', () => {
  it('records the move, then sends the record and touches where the person was known to be, in one request', async () => {
    const { publisher, recorded, sent } = publisherWith(new Map([['p-1', ['co-b', 'co-a']]]));
    await publisher.publish('co-c', move());
    expect(recorded.map((batch) => batch.map((o) => [o.personId, o.field, o.value]))).toEqual([
      [['p-1', 'company', 'co-c']],
    ]);
    expect(sent).toEqual([
      { topic: Topics.personChanges, keys: ['co-c'] },
      { topic: Topics.companyTouches, keys: ['co-a', 'co-b', 'co-c'] },
    ]);
  });

  it("touches only the event's companies when the store knew nothing more of the person", async () => {
    const { publisher, sent } = publisherWith(new Map([['p-9', ['co-z']]]));
    await publisher.publish('co-c', move());
    expect(sent[1]).toEqual({ topic: Topics.companyTouches, keys: ['co-a', 'co-c'] });
  });

  it('sends nothing when the observations cannot be recorded', async () => {
    const { publisher, sent } = publisherWith(new Map(), true);
    await expect(publisher.publish('co-c', move())).rejects.toThrow('database down');
    expect(sent).toEqual([]);
  });
});
