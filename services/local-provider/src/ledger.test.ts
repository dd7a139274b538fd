import { createHash } from 'node:crypto';
import {
  KEY_REUSED_STATUS,
  PRICE_USD,
  answeredRecord,
  classifyOutcome,
  isWellFormed,
  paidCallRecord,
  peopleDigest,
  requestDigest,
  type PaidCall,
} from './ledger';

const at = new Date('2026-01-01T00:00:00Z');

const call: PaidCall = {
  receivedAt: at,
  operation: 'enrich',
  idempotencyKey: 'enrich:c-1:abc',
  companyId: 'c-1',
  peopleDigest: peopleDigest(['p-1']),
  requestDigest: 'digest',
  costUsd: PRICE_USD.enrich,
};

describe('peopleDigest', () => {
  it('is the sha256 hex of the JSON array of the sorted person ids', () => {
    expect(peopleDigest(['p-2', 'p-1'])).toBe(
      createHash('sha256').update('["p-1","p-2"]').digest('hex'),
    );
  });

  it('does not depend on the order sent, only on the people', () => {
    expect(peopleDigest(['b', 'a', 'c'])).toBe(peopleDigest(['c', 'b', 'a']));
    expect(peopleDigest(['a', 'b'])).not.toBe(peopleDigest(['a', 'b', 'c']));
    expect(peopleDigest([])).toBe(createHash('sha256').update('[]').digest('hex'));
  });

  it('cannot be fooled by ids that join into the same text', () => {
    expect(peopleDigest(['a,b'])).not.toBe(peopleDigest(['a', 'b']));
    expect(peopleDigest(['a\nb'])).not.toBe(peopleDigest(['a', 'b']));
  });

  it('sorts by code unit, as the enricher does, not by locale', () => {
    expect(peopleDigest(['b', 'B', 'a'])).toBe(
      createHash('sha256').update('["B","a","b"]').digest('hex'),
    );
  });
});

describe('requestDigest', () => {
  const request = {
    companyId: 'c-1',
    people: [{ personId: 'p-1', fullName: 'Ada', title: null, department: null }],
  };

  it('tells the operation and any change of the body apart', () => {
    expect(requestDigest('enrich', request)).toBe(requestDigest('enrich', { ...request }));
    expect(requestDigest('enrich', request)).not.toBe(requestDigest('research', request));
    expect(requestDigest('enrich', request)).not.toBe(
      requestDigest('enrich', { ...request, companyId: 'c-2' }),
    );
  });
});

describe('classifyOutcome', () => {
  it('calls an injected answer a fault, whatever its status', () => {
    expect(classifyOutcome({ status: 503, injected: true })).toBe('fault');
    expect(classifyOutcome({ status: 429, injected: true })).toBe('fault');
    expect(classifyOutcome({ status: 200, injected: true })).toBe('fault');
  });

  it('calls other 4xx rejected and other 5xx error', () => {
    expect(classifyOutcome({ status: 400, injected: false })).toBe('rejected');
    expect(classifyOutcome({ status: 401, injected: false })).toBe('rejected');
    expect(classifyOutcome({ status: KEY_REUSED_STATUS, injected: false })).toBe('rejected');
    expect(classifyOutcome({ status: 500, injected: false })).toBe('error');
    expect(classifyOutcome({ status: 503, injected: false })).toBe('error');
  });

  it("bills only the ledger's first reply", () => {
    expect(classifyOutcome({ status: 200, injected: false, ledger: 'fresh' })).toBe('billed');
    expect(classifyOutcome({ status: 200, injected: false, ledger: 'replayed' })).toBe('replayed');
  });

  it('refuses a success that is neither a ledger reply nor a fault', () => {
    expect(() => classifyOutcome({ status: 200, injected: false })).toThrow(/neither/);
  });
});

describe('request log rows', () => {
  it('costs the price on the first reply only', () => {
    expect(paidCallRecord(call, 'fresh')).toEqual({
      receivedAt: at,
      operation: 'enrich',
      idempotencyKey: 'enrich:c-1:abc',
      companyId: 'c-1',
      peopleDigest: call.peopleDigest,
      status: 200,
      outcome: 'billed',
      costUsd: 2.4,
    });
    expect(paidCallRecord(call, 'replayed')).toMatchObject({
      status: 200,
      outcome: 'replayed',
      costUsd: 0,
    });
    expect(paidCallRecord(call, 'conflict')).toMatchObject({
      status: 409,
      outcome: 'rejected',
      costUsd: 0,
    });
  });

  it("logs the handler's answers unbilled, with only the row's fields", () => {
    const row = answeredRecord(call, { status: 503, injected: true });
    expect(row).toEqual({
      ...paidCallRecord(call, 'fresh'),
      status: 503,
      outcome: 'fault',
      costUsd: 0,
    });
    expect(row).not.toHaveProperty('requestDigest');
  });

  it('counts a request as well-formed only when its people were read', () => {
    expect(isWellFormed(paidCallRecord(call, 'fresh'))).toBe(true);
    const refused = answeredRecord(
      { ...call, companyId: null, peopleDigest: null },
      { status: 400, injected: false },
    );
    expect(isWellFormed(refused)).toBe(false);
  });
});
