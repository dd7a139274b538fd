/**
 * The webhook endpoint under fuzzing, against the real stack (Postgres claims, Kafka acks=all,
 * the schema registry): more than 5,000 random and mutated requests (methods, paths, headers,
 * content types and encodings, bodies of random bytes, invalid UTF-8, `__proto__` keys,
 * 5,000-deep nesting, wrong types for every field, huge strings, 1e309), mutations of validly
 * signed requests, and validly signed bodies that break the event schema.
 *
 * Zero 5xx, an answer to every request, no prototype pollution, the process still serving, and
 * nothing on person-changes or in webhook_events for any of it: only the control request sent
 * at the end. The `-edge` source gets validly signed, schema-valid but hostile events (deep
 * unknown keys, NUL, lone surrogates, gzip...): for those, every 202 must be on the topic and in
 * webhook_events exactly once, and nothing else may be.
 *
 * The generation is fast-check's, from a fixed seed: FUZZ_SEED=<n> replays another one. The
 * generators, the signing and the sending are in tests/helpers/webhook-fuzz*.ts.
 */
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { Topics, type PersonChangeRecord } from '@bgs/platform';
import { startIngress, type RunningIngress } from '../helpers/ingress';
import { requireStack, withDatabase } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';
import {
  ALL_SOURCES,
  SEED,
  SRC,
  STANDARD_SECRET,
  declaration,
  exactly,
  generatorProblems,
  nowSeconds,
  render,
  shuffled,
  signedPost,
  standardSignature,
  type Body,
  type Expectation,
  type FuzzRequest,
  type Outcome,
} from '../helpers/webhook-fuzz';
import { edgeRequest, oversizedRequests } from '../helpers/webhook-fuzz-edge';
import { validEvent } from '../helpers/webhook-fuzz-events';
import { garbageRequest } from '../helpers/webhook-fuzz-garbage';
import { mutatedRequest } from '../helpers/webhook-fuzz-mutated';
import { CONCURRENCY, sendAll } from '../helpers/webhook-fuzz-send';
import { brokenEvent, signedJunk } from '../helpers/webhook-fuzz-signed';

/** Per category, how many requests fast-check generates. */
const COUNTS = { garbage: 2300, signedInvalid: 1500, mutated: 1000, edge: 400 } as const;

// ---------------------------------------------------------------------------------------------
// What each request must get

function violates(expect: Expectation, outcome: Outcome): boolean {
  const { status } = outcome;
  if (expect.kind === 'oversized') {
    return status !== undefined
      ? status !== 431
      : !/ECONNRESET|EPIPE|socket hang up/.test(outcome.error ?? '');
  }
  if (status === undefined || outcome.error !== undefined) return true;
  if (status >= 500) return true;
  switch (expect.kind) {
    case 'below-500':
      return false;
    case 'not-2xx':
      return status >= 200 && status < 300;
    case 'one-of':
      return !expect.statuses.includes(status);
  }
}

const describeExpect = (expect: Expectation): string =>
  expect.kind === 'one-of' ? expect.statuses.join('|') : expect.kind;

const preview = (body: Buffer): string => {
  const utf8 = body.subarray(0, 160).toString('utf8');
  return `${JSON.stringify(utf8)}${body.length > 160 ? ` ... (${body.length} bytes)` : ''}`;
};

// ---------------------------------------------------------------------------------------------

let ingress: RunningIngress;
let topic: TopicReader<Buffer>;

beforeAll(async () => {
  await requireStack();
  [ingress, topic] = await Promise.all([
    startIngress(declaration, { REQUEST_TIMEOUT_MS: 10_000 }),
    // Values stay undecoded: only the control record is decoded, below.
    readTopic<Buffer>(Topics.personChanges, (value) => value),
  ]);
});

afterAll(async () => {
  await topic?.stop();
  if (ingress) {
    await ingress.pool.query(`DELETE FROM webhook_events WHERE source = ANY($1)`, [ALL_SOURCES]);
    await ingress.close();
  }
});

/** What the run left behind; each check below reads it. */
interface Run {
  readonly requests: readonly FuzzRequest[];
  readonly outcomes: readonly Outcome[];
  readonly control: Body;
  readonly controlBody: Buffer;
  readonly controlOutcome: Outcome;
  readonly prototypeKeys: readonly string[];
}
let run: Run | undefined;
const ran = (): Run => {
  if (!run) throw new Error('the fuzz run did not complete; see the first test');
  return run;
};

const statusKey = (outcome: Outcome): string =>
  outcome.status !== undefined ? String(outcome.status) : `error ${outcome.error ?? ''}`;

/** Event ids of edge requests answered 202: exactly these may be on the topic and in the table. */
const acceptedEdgeIds = ({ requests, outcomes }: Run): string[] =>
  requests
    .filter((request, index) => request.category === 'edge' && outcomes[index]?.status === 202)
    .map((request) => request.eventId ?? '')
    .sort();

describe(`webhook fuzzing (seed ${SEED})`, () => {
  it('sends 5,000+ generated requests, then a valid control delivery', async () => {
    console.log(
      `fuzz seed: ${SEED} (FUZZ_SEED=${SEED} replays it); sources: ${ALL_SOURCES.join(', ')}`,
    );

    // The test's own signer against the reference implementation, or "validly signed" lies.
    const probe = Buffer.from('{"probe":"zoë"}', 'utf8');
    const at = new Date(nowSeconds() * 1000);
    expect(
      standardSignature(STANDARD_SECRET, 'msg_probe', String(at.getTime() / 1000), probe),
    ).toBe(new Webhook(STANDARD_SECRET).sign('msg_probe', at, probe.toString('utf8')));

    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const generated = [
      ...fc.sample(garbageRequest, { seed: SEED, numRuns: COUNTS.garbage }),
      ...fc.sample(brokenEvent, {
        seed: SEED + 1,
        numRuns: Math.round(COUNTS.signedInvalid * 0.8),
      }),
      ...fc.sample(signedJunk, { seed: SEED + 2, numRuns: Math.round(COUNTS.signedInvalid * 0.2) }),
      ...fc.sample(mutatedRequest, { seed: SEED + 3, numRuns: COUNTS.mutated }),
      ...fc.sample(edgeRequest, { seed: SEED + 4, numRuns: COUNTS.edge }),
      ...oversizedRequests(),
    ];
    const requests = shuffled(generated, SEED);
    expect(requests.length).toBeGreaterThanOrEqual(5000);
    // A "valid" event the schema refuses, or a "broken" one it accepts: the generator (or the
    // schema) is wrong, and the expectations below would be too.
    expect(generatorProblems.slice(0, 10)).toEqual([]);

    const port = Number(new URL(ingress.url).port);
    const started = Date.now();
    const outcomes = await sendAll(port, requests);
    const elapsedMs = Date.now() - started;

    // The control: a plain valid delivery after all that, to the fuzz source itself.
    const [control] = fc.sample(
      validEvent.filter((event) => event.type === 'person.role_change'),
      { seed: SEED + 5, numRuns: 1 },
    );
    if (!control) throw new Error('no control event');
    const controlBody = Buffer.from(render(control), 'utf8');
    const [controlOutcome] = await sendAll(port, [
      signedPost('control', 'control', 'std', controlBody, 'application/json', exactly(202)),
    ]);
    run = {
      requests,
      outcomes,
      control,
      controlBody,
      controlOutcome: controlOutcome ?? { error: 'not sent', body: '' },
      prototypeKeys,
    };

    const histogram = new Map<string, number>();
    const byCategory = new Map<string, Map<string, number>>();
    requests.forEach((request, index) => {
      const key = statusKey(outcomes[index] as Outcome);
      histogram.set(key, (histogram.get(key) ?? 0) + 1);
      const counts = byCategory.get(request.category) ?? new Map<string, number>();
      counts.set(key, (counts.get(key) ?? 0) + 1);
      byCategory.set(request.category, counts);
    });
    const line = (counts: Map<string, number>) =>
      [...counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => `${key}: ${n}`)
        .join(', ');
    const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      [
        `sent ${requests.length} requests in ${elapsedMs} ms (concurrency ${CONCURRENCY}); control: ${statusKey(run.controlOutcome)}`,
        `statuses: ${line(histogram)}`,
        ...[...byCategory].map(
          ([category, counts]) => `  ${category} (${total(counts)}): ${line(counts)}`,
        ),
      ].join('\n'),
    );
  });

  it('answers every request, none with a 5xx, each as its kind must be answered', () => {
    const { requests, outcomes } = ran();
    // Every violation, grouped by what was done, with one example each.
    const violations = new Map<string, { count: number; example: string }>();
    requests.forEach((request, index) => {
      const outcome = outcomes[index] as Outcome;
      if (!violates(request.expect, outcome)) return;
      const key = `${request.category} / ${request.label}: expected ${describeExpect(request.expect)}, got ${statusKey(outcome)}`;
      const known = violations.get(key);
      if (known) {
        known.count += 1;
        return;
      }
      const headers = Object.entries(request.headers)
        .map(([name, value]) => `${name}: ${String(value).slice(0, 80)}`)
        .join('; ');
      violations.set(key, {
        count: 1,
        example: `${request.method} ${request.path.slice(0, 120)} [${headers}] body ${preview(request.body)} -> ${outcome.body}`,
      });
    });
    const report = [...violations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, { count, example }]) => `${count} x ${key}\n    e.g. ${example}`);
    if (report.length > 0) console.log(`violations:\n${report.join('\n')}`);

    const fiveHundreds = outcomes.filter((outcome) => (outcome.status ?? 0) >= 500).length;
    const unanswered = requests.filter(
      (request, index) => request.category !== 'oversized' && outcomes[index]?.status === undefined,
    ).length;
    expect({ fiveHundreds, unanswered }).toEqual({ fiveHundreds: 0, unanswered: 0 });
    expect(report).toEqual([]);
  });

  it('pollutes no prototype, whatever the bodies and queries carried', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(ran().prototypeKeys);
  });

  it('still accepts a valid delivery afterwards', () => {
    expect(ran().controlOutcome).toMatchObject({ status: 202 });
  });

  it('puts nothing on person-changes but the control and the accepted edge events, once each', async () => {
    const current = ran();
    // Read by an independent consumer from the beginning to the end offsets of now.
    await topic.caughtUp(30_000);
    const ours = topic.records.filter((record) =>
      ALL_SOURCES.includes(record.headers.source ?? ''),
    );
    const fuzzed = ours.filter((record) => record.headers.source !== SRC.edge);
    expect(
      fuzzed.map((record) => [record.headers.source, record.headers['event-id'], record.key]),
    ).toEqual([[SRC.std, current.control.id, (current.control.company as Body).id]]);
    const decoded = (await ingress.codec.decode(
      fuzzed[0]?.value ?? Buffer.alloc(0),
    )) as PersonChangeRecord;
    expect(decoded).toMatchObject({
      eventId: current.control.id,
      source: SRC.std,
      payload: current.controlBody.toString('utf8'),
    });
    const edge = ours
      .filter((record) => record.headers.source === SRC.edge)
      .map((record) => record.headers['event-id'] ?? '')
      .sort();
    expect(edge).toEqual(acceptedEdgeIds(current));
  });

  it('writes no webhook_events row but the control and the accepted edge events', async () => {
    const current = ran();
    const { rows } = await withDatabase((db) =>
      db.query<{ source: string; event_id: string; status: string }>(
        `SELECT source, event_id, status FROM webhook_events WHERE source = ANY($1) ORDER BY event_id`,
        [ALL_SOURCES],
      ),
    );
    expect(rows.filter((row) => row.source !== SRC.edge)).toEqual([
      { source: SRC.std, event_id: current.control.id, status: 'enqueued' },
    ]);
    const edge = rows.filter((row) => row.source === SRC.edge);
    expect(edge.map((row) => row.event_id).sort()).toEqual(acceptedEdgeIds(current));
    expect(edge.filter((row) => row.status !== 'enqueued')).toEqual([]);
  });
});
