import { ApiError } from './http';
import {
  DEFAULT_LIST_LIMIT,
  DEFAULT_RANGE_LIMIT,
  MAX_LIST_LIMIT,
  MAX_RANGE_LIMIT,
  parseDeliveryId,
  parseListQuery,
  parseReplayOneBody,
  parseReplayRangeBody,
} from './operator-input';

const ID = '0B6F3A52-3F0E-4A57-9D4E-3C1C3F2B9A10';

/** The ApiError `run` throws, as status and body. */
function refusal(run: () => unknown): { status: number; body: object } {
  try {
    run();
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: error.body };
    throw error;
  }
  throw new Error('no refusal');
}

describe('parseListQuery', () => {
  it('takes the CLI filters, or none', () => {
    expect(parseListQuery({})).toEqual({ filter: {}, limit: DEFAULT_LIST_LIMIT });
    expect(
      parseListQuery({
        source: 'acme',
        type: 'person.role_change',
        status: 'enqueued',
        since: '2026-12-01',
        until: '2026-12-02T09:30:00+01:00',
        limit: '10',
      }),
    ).toEqual({
      filter: {
        source: 'acme',
        eventType: 'person.role_change',
        status: 'enqueued',
        since: new Date('2026-12-01T00:00:00Z'),
        until: new Date('2026-12-02T08:30:00Z'),
      },
      limit: 10,
    });
  });

  it.each([
    [{ type: 'person.birthday' }, 'type'],
    [{ status: 'lost' }, 'status'],
    [{ since: '2026-12-01T09:00' }, 'since'], // a time without its zone
    [{ until: '1764579600000' }, 'until'], // a bare number
    [{ limit: '0' }, 'limit'],
    [{ limit: String(MAX_LIST_LIMIT + 1) }, 'limit'],
    [{ limit: '1.5' }, 'limit'],
    [{ source: ['a', 'b'] }, 'source'], // repeated in the query string
    [{ source: 'a\u0000b' }, 'source'],
    [{ since: '2026-12-02', until: '2026-12-01' }, 'until'],
  ])('answers 400 invalid_query naming the field for %j', (query, field) => {
    expect(refusal(() => parseListQuery(query))).toEqual({
      status: 400,
      body: { error: 'invalid_query', field, message: expect.any(String) },
    });
  });

  it('refuses an unknown parameter rather than listing everything', () => {
    expect(refusal(() => parseListQuery({ from: '2026-12-01' }))).toEqual({
      status: 400,
      body: { error: 'unknown_field', field: 'from', message: expect.stringContaining('since') },
    });
  });
});

describe('parseDeliveryId', () => {
  it('takes a UUID, lower case, and names the path part otherwise', () => {
    expect(parseDeliveryId(ID)).toBe(ID.toLowerCase());
    expect(refusal(() => parseDeliveryId('evt_1'))).toEqual({
      status: 400,
      body: { error: 'invalid_path', field: 'id', message: expect.any(String) },
    });
  });
});

describe('parseReplayOneBody', () => {
  it('replays under the delivery’s own id without a body, or under `as`', () => {
    expect(parseReplayOneBody(undefined)).toEqual({ kind: 'same' });
    expect(parseReplayOneBody({})).toEqual({ kind: 'same' });
    expect(parseReplayOneBody({ as: 'evt_1.fix' })).toEqual({ kind: 'as', eventId: 'evt_1.fix' });
  });

  it.each([
    [{ as: 'has space' }, { error: 'invalid_field', field: 'as' }],
    [{ as: 'x'.repeat(201) }, { error: 'invalid_field', field: 'as' }],
    [{ as: 7 }, { error: 'invalid_field', field: 'as' }],
    [{ asPrefix: 'p.' }, { error: 'unknown_field', field: 'asPrefix' }],
    [['as'], { error: 'invalid_body' }],
  ])('answers 400 for %j', (body, expected) => {
    expect(refusal(() => parseReplayOneBody(body))).toEqual({
      status: 400,
      body: { ...expected, message: expect.any(String) },
    });
  });
});

describe('parseReplayRangeBody', () => {
  const range = { since: '2026-12-01T00:00:00Z', until: '2026-12-01T01:00:00Z' };

  it('replays [since, until) under the same ids, DEFAULT_RANGE_LIMIT at a time', () => {
    expect(parseReplayRangeBody(range)).toEqual({
      filter: { since: new Date(range.since), until: new Date(range.until) },
      identity: { kind: 'same' },
      limit: DEFAULT_RANGE_LIMIT,
    });
  });

  it('takes a source, a prefix, a limit and where to go on after', () => {
    expect(
      parseReplayRangeBody({ ...range, source: 'acme', asPrefix: 'fix1.', limit: 10, after: ID }),
    ).toEqual({
      filter: { since: new Date(range.since), until: new Date(range.until), source: 'acme' },
      identity: { kind: 'prefix', prefix: 'fix1.' },
      limit: 10,
      after: ID.toLowerCase(),
    });
  });

  it.each([
    [{}, 'since'],
    [{ since: range.since }, 'until'],
    [{ ...range, until: range.since }, 'until'],
    [{ ...range, asPrefix: 'p'.repeat(101) }, 'asPrefix'],
    [{ ...range, asPrefix: 'a b' }, 'asPrefix'],
    [{ ...range, limit: 0 }, 'limit'],
    [{ ...range, limit: MAX_RANGE_LIMIT + 1 }, 'limit'],
    [{ ...range, limit: '10' }, 'limit'],
    [{ ...range, after: 'last' }, 'after'],
  ])('answers 400 invalid_field naming the field for %j', (body, field) => {
    expect(refusal(() => parseReplayRangeBody(body))).toEqual({
      status: 400,
      body: { error: 'invalid_field', field, message: expect.any(String) },
    });
  });

  it('refuses an unknown field, such as the CLI’s spelling', () => {
    expect(refusal(() => parseReplayRangeBody({ ...range, 'as-prefix': 'p.' }))).toEqual({
      status: 400,
      body: { error: 'unknown_field', field: 'as-prefix', message: expect.any(String) },
    });
  });
});
