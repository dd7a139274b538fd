import { createHmac } from 'node:crypto';
import { readEvent, type Delivery } from './intake';
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
