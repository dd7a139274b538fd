import { createHmac } from 'node:crypto';
import type { Logger } from 'winston';
import type { ClaimOutcome, ClaimStore } from './claims';
import {
  claimStep,
  createWebhookIntake,
  errorDetail,
  readEvent,
  type Delivery,
  type WebhookIntakeDeps,
} from './intake';
import type { WebhookSource } from './sources';

const SECRET = 'whsec-intake-test';
const NOW = Date.parse('2026-01-05T10:00:00Z');
const TOLERANCE_MS = 5 * 60_000;

const SOURCE: WebhookSource = {
  name: 'legacy',
  scheme: 'legacy-hmac',
  secrets: [SECRET],
  eventTypes: ['person.role_change', 'person.company_change'],
  rateLimit: { perSecond: 100 },
};

const EVENT = {
  id: 'evt_intake_1',
  type: 'person.role_change',
  timestamp: '2026-01-05T09:59:00Z',
  person: { id: 'person_1', name: 'Ada Example', newTitle: 'CTO' },
  company: { id: 'company_1', name: 'Example Co' },
  changes: { title: { old: 'VP Engineering', new: 'CTO' } },
};

/** A delivery signed as the legacy scheme signs: hex HMAC of `${timestamp}.${body}`. */
function signed(body: Buffer | string, secret = SECRET): Delivery {
  const rawBody = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const timestamp = String(NOW);
  const signature = createHmac('sha256', secret)
    .update(`${timestamp}.`)
    .update(rawBody)
    .digest('hex');
  return {
    source: SOURCE,
    rawBody,
    headers: { 'x-signature': signature, 'x-timestamp': timestamp },
    receivedAt: NOW,
  };
}

const json = (value: unknown): string => JSON.stringify(value);

describe('readEvent', () => {
  it('reads a signed, valid event into its person-changes record, the raw text as payload', () => {
    const text = json(EVENT);
    const read = readEvent(signed(text), TOLERANCE_MS);
    if (!read.ok) throw new Error(`refused: ${json(read.answer)}`);
    expect(read.record).toMatchObject({
      eventId: 'evt_intake_1',
      source: 'legacy',
      companyId: 'company_1',
      personId: 'person_1',
      changes: [{ field: 'title', before: 'VP Engineering', after: 'CTO' }],
      receivedAt: NOW,
      payload: text,
    });
  });

  it('refuses a wrong signature before looking at the body, and says why only to metrics', () => {
    const read = readEvent(signed('not even json', 'another-secret'), TOLERANCE_MS);
    expect(read).toEqual({
      ok: false,
      answer: expect.objectContaining({ status: 401, body: { error: 'unauthorized' } }),
      signatureFailure: 'bad_signature',
    });
  });

  it('refuses a signed body that is not UTF-8 JSON as malformed', () => {
    for (const body of [Buffer.from([0x7b, 0xff, 0x7d]), '{"id":']) {
      const read = readEvent(signed(body), TOLERANCE_MS);
      expect(read.ok ? undefined : read.answer.outcome).toBe('malformed_json');
    }
  });

  it('names the field of an invalid event', () => {
    const read = readEvent(signed(json({ ...EVENT, company: { name: 'no id' } })), TOLERANCE_MS);
    expect(read.ok ? undefined : read.answer).toMatchObject({
      status: 400,
      body: { error: 'invalid_event', field: 'company.id' },
    });
  });

  it('refuses an event type the source does not send, listing the ones it does', () => {
    const promotion = {
      ...EVENT,
      type: 'person.promotion',
      changes: { ...EVENT.changes, seniority: { old: 'vp', new: 'c_level' } },
    };
    const read = readEvent(signed(json(promotion)), TOLERANCE_MS);
    expect(read.ok ? undefined : read.answer.body).toEqual({
      error: 'invalid_event',
      field: 'type',
      message:
        'person.promotion is not accepted from legacy; accepted: person.role_change, person.company_change',
    });
  });

  it('refuses text Postgres cannot store, naming where it is', () => {
    const withNul = { ...EVENT, person: { ...EVENT.person, name: 'Ada\u0000' } };
    const read = readEvent(signed(json(withNul)), TOLERANCE_MS);
    expect(read.ok ? undefined : read.answer).toMatchObject({
      status: 400,
      body: { field: 'person.name' },
    });
  });
});

describe('errorDetail', () => {
  it("is an error's message, or nothing without an error", () => {
    expect(errorDetail(new Error('connection refused'))).toEqual({ error: 'connection refused' });
    expect(errorDetail('timeout')).toEqual({ error: 'timeout' });
    expect(errorDetail(undefined)).toEqual({});
  });
});

describe('claimStep', () => {
  it('publishes what it claimed, and answers the rest as duplicates, settled once enqueued', () => {
    expect(claimStep({ kind: 'claimed', id: 'c-1', takenOver: true })).toEqual({
      kind: 'claimed',
      id: 'c-1',
      takenOver: true,
    });
    expect(claimStep({ kind: 'enqueued' })).toEqual({ kind: 'duplicate', settled: true });
    expect(claimStep({ kind: 'in_flight' })).toEqual({ kind: 'duplicate', settled: false });
  });
});

describe('createWebhookIntake', () => {
  type Line = [level: string, message: string, meta: Record<string, unknown>];
  const CONTEXT = { source: 'legacy', eventId: 'evt_intake_1', eventType: 'person.role_change' };

  /** An intake on fakes: `claim` answers the claim, the others fail when given an error. */
  function fakeIntake(
    options: {
      claim?: () => Promise<ClaimOutcome>;
      publish?: Error;
      release?: Error;
      markEnqueued?: Error;
    } = {},
  ) {
    const lines: Line[] = [];
    const calls: string[] = [];
    const counted: [string, Record<string, string>][] = [];
    const claims: ClaimStore = {
      claim: options.claim ?? (async () => ({ kind: 'claimed', id: 'c-1', takenOver: false })),
      async markEnqueued(id) {
        calls.push(`mark ${id}`);
        if (options.markEnqueued) throw options.markEnqueued;
      },
      async release(id) {
        calls.push(`release ${id}`);
        if (options.release) throw options.release;
      },
      status: async () => 'enqueued',
    };
    const log =
      (level: string) =>
      (message: string, meta: Record<string, unknown> = {}) =>
        lines.push([level, message, meta]);
    const counter = (name: string) => ({
      inc: (labels: Record<string, string>) => counted.push([name, labels]),
      observe: (labels: Record<string, string>) => counted.push([name, labels]),
    });
    const deps = {
      claims,
      publisher: {
        async publish(key: string, _record: unknown, headers?: Record<string, string>) {
          calls.push(`publish ${key} ${headers?.['event-id']}`);
          if (options.publish) throw options.publish;
        },
      },
      metrics: {
        signatureFailures: counter('signatureFailures'),
        duplicates: counter('duplicates'),
        produceSeconds: counter('produceSeconds'),
      },
      logger: { info: log('info'), warn: log('warn'), error: log('error') } as unknown as Logger,
      toleranceMs: TOLERANCE_MS,
      inFlightWaitMs: 0,
    } as unknown as WebhookIntakeDeps;
    return { intake: createWebhookIntake(deps), lines, calls, counted };
  }

  const receive = (
    intake: ReturnType<typeof fakeIntake>['intake'],
    delivery = signed(json(EVENT)),
  ) => intake.receive(delivery);

  it('answers 202 once published and marked, timing the produce', async () => {
    const { intake, calls, counted, lines } = fakeIntake();
    expect(await receive(intake)).toMatchObject({ status: 202, outcome: 'enqueued' });
    expect(calls).toEqual(['publish company_1 evt_intake_1', 'mark c-1']);
    expect(counted).toEqual([['produceSeconds', { topic: 'person-changes', result: 'ok' }]]);
    expect(lines).toEqual([]);
  });

  it('says so when it took an expired claim over', async () => {
    const { intake, lines } = fakeIntake({
      claim: async () => ({ kind: 'claimed', id: 'c-1', takenOver: true }),
    });
    expect((await receive(intake)).status).toBe(202);
    expect(lines).toEqual([['warn', 'took over an expired claim', CONTEXT]]);
  });

  it('counts a signature failure by reason and answers 401 without claiming', async () => {
    const { intake, calls, counted, lines } = fakeIntake();
    const answer = await receive(intake, signed(json(EVENT), 'another-secret'));
    expect(answer.status).toBe(401);
    expect(calls).toEqual([]);
    expect(counted).toEqual([['signatureFailures', { source: 'legacy', reason: 'bad_signature' }]]);
    expect(lines).toEqual([
      ['warn', 'webhook refused', { source: 'legacy', reason: 'bad_signature' }],
    ]);
  });

  it('answers 503 when the claim fails, naming the database', async () => {
    const { intake, calls, lines } = fakeIntake({
      claim: () => Promise.reject(new Error('connection refused')),
    });
    expect(await receive(intake)).toMatchObject({ status: 503, outcome: 'unavailable' });
    expect(calls).toEqual([]);
    expect(lines).toEqual([
      [
        'warn',
        'webhook not accepted: database unavailable',
        { ...CONTEXT, error: 'connection refused' },
      ],
    ]);
  });

  it('answers a settled duplicate 200 and counts it', async () => {
    const { intake, counted, lines } = fakeIntake({ claim: async () => ({ kind: 'enqueued' }) });
    expect(await receive(intake)).toMatchObject({ status: 200, outcome: 'duplicate' });
    expect(counted).toEqual([['duplicates', { source: 'legacy' }]]);
    expect(lines).toEqual([['info', 'duplicate webhook', CONTEXT]]);
  });

  it('answers 503 to a duplicate still in flight once the wait is over', async () => {
    const { intake, counted, lines } = fakeIntake({ claim: async () => ({ kind: 'in_flight' }) });
    expect((await receive(intake)).status).toBe(503);
    expect(counted).toEqual([]);
    expect(lines).toEqual([['warn', 'webhook not accepted: event id in flight', CONTEXT]]);
  });

  it('releases the claim and answers 503 when Kafka does not take the record', async () => {
    const { intake, calls, counted, lines } = fakeIntake({
      publish: new Error('broker down'),
      release: new Error('db down'),
    });
    expect((await receive(intake)).status).toBe(503);
    expect(calls).toEqual(['publish company_1 evt_intake_1', 'release c-1']);
    expect(counted).toEqual([['produceSeconds', { topic: 'person-changes', result: 'error' }]]);
    expect(lines).toEqual([
      ['warn', 'could not release claim', { ...CONTEXT, error: 'Error: db down' }],
      ['warn', 'webhook not accepted: not published', { ...CONTEXT, error: 'broker down' }],
    ]);
  });

  it('still answers 202 when Kafka holds the event but the mark failed', async () => {
    const { intake, lines } = fakeIntake({ markEnqueued: new Error('db down') });
    expect((await receive(intake)).status).toBe(202);
    expect(lines).toEqual([
      ['error', 'event enqueued but not marked', { ...CONTEXT, error: 'Error: db down' }],
    ]);
  });
});
