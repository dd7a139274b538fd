import {
  planClaimBatch,
  requestOutcomes,
  type ClaimInput,
  type ClaimRowResult,
} from './claim-batch';

const input = (eventId: string, source = 'acme'): ClaimInput => ({
  source,
  eventId,
  eventType: 'person.role_change',
  companyId: 'co-1',
  payload: { id: eventId },
  signatureScheme: 'standard-webhooks',
  archive: { body: Buffer.from('gzip'), bodyBytes: 20, headers: {}, replayOf: null },
});

const inserted = (id: string): ClaimRowResult => ({
  id,
  inserted: true,
  takenOver: false,
  previousStatus: null,
});
const takenOver = (id: string): ClaimRowResult => ({
  id,
  inserted: false,
  takenOver: true,
  previousStatus: 'claimed',
});
const untouched = (previousStatus: ClaimRowResult['previousStatus']): ClaimRowResult => ({
  id: null,
  inserted: false,
  takenOver: false,
  previousStatus,
});

describe('planClaimBatch', () => {
  it('has one row per (source, event id), in key order, and maps each request to its row', () => {
    const plan = planClaimBatch([input('b'), input('a'), input('a', 'hub'), input('c')]);
    expect(plan.rows.map((row) => [row.source, row.eventId])).toEqual([
      ['acme', 'a'],
      ['acme', 'b'],
      ['acme', 'c'],
      ['hub', 'a'],
    ]);
    expect(plan.requests).toEqual([
      { row: 1, owner: true },
      { row: 0, owner: true },
      { row: 3, owner: true },
      { row: 2, owner: true },
    ]);
  });

  it('gives a repeated event id one row, owned by its first request', () => {
    const plan = planClaimBatch([input('x'), input('y'), input('x'), input('x')]);
    expect(plan.rows.map((row) => row.eventId)).toEqual(['x', 'y']);
    expect(plan.requests).toEqual([
      { row: 0, owner: true },
      { row: 1, owner: true },
      { row: 0, owner: false },
      { row: 0, owner: false },
    ]);
  });
});

describe('requestOutcomes', () => {
  it('answers each request with its own row, in request order', () => {
    const plan = planClaimBatch([input('c'), input('a'), input('b')]);
    const outcomes = requestOutcomes(plan, [
      inserted('id-a'),
      untouched('enqueued'),
      takenOver('id-c'),
    ]);
    expect(outcomes).toEqual([
      { kind: 'claimed', id: 'id-c', takenOver: true },
      { kind: 'claimed', id: 'id-a', takenOver: false },
      { kind: 'enqueued' },
    ]);
  });

  it('in one batch, exactly one request of a repeated event id claims; the others wait for it', () => {
    const plan = planClaimBatch([input('x'), input('x'), input('x')]);
    expect(requestOutcomes(plan, [inserted('id-x')])).toEqual([
      { kind: 'claimed', id: 'id-x', takenOver: false },
      { kind: 'in_flight' },
      { kind: 'in_flight' },
    ]);
  });

  it('repeats of an event id Kafka already holds are all enqueued', () => {
    const plan = planClaimBatch([input('x'), input('x')]);
    expect(requestOutcomes(plan, [untouched('enqueued')])).toEqual([
      { kind: 'enqueued' },
      { kind: 'enqueued' },
    ]);
  });

  it('refuses an answer that does not cover every row', () => {
    const plan = planClaimBatch([input('a'), input('b')]);
    expect(() => requestOutcomes(plan, [inserted('id-a')])).toThrow('1 of 2 rows');
  });
});
