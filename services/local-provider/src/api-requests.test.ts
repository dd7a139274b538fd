import { operationAt, paidCall, refusalToLog, unread, validKey } from './api-requests';
import { peopleDigest, requestDigest } from './ledger';

describe('operationAt', () => {
  it('knows the two operations, with or without a trailing slash', () => {
    expect(operationAt('/contacts/enrich')).toBe('enrich');
    expect(operationAt('/contacts/enrich/')).toBe('enrich');
    expect(operationAt('/research')).toBe('research');
    expect(operationAt('/other')).toBeUndefined();
    expect(operationAt('/')).toBeUndefined();
  });
});

describe('validKey', () => {
  it('takes a key of visible ASCII only', () => {
    expect(validKey('key-1')).toBe('key-1');
    expect(validKey(undefined)).toBeUndefined();
    expect(validKey('bad key')).toBeUndefined();
    expect(validKey('')).toBeUndefined();
  });
});

describe('unread and paidCall', () => {
  const receivedAt = new Date('2026-01-02T03:04:05Z');
  const request = {
    companyId: 'c-1',
    people: [
      { personId: 'p-2', fullName: 'Bob Stone', title: null, department: null },
      { personId: 'p-1', fullName: 'Ada Lovelace', title: 'CTO', department: 'Engineering' },
    ],
  };

  it('logs a refused request without company or people', () => {
    expect(unread('research', 'k-1', receivedAt)).toEqual({
      receivedAt,
      operation: 'research',
      idempotencyKey: 'k-1',
      companyId: null,
      peopleDigest: null,
    });
  });

  it('bills a valid request at its operation price, keyed by who and what was asked', () => {
    expect(paidCall('enrich', 'k-1', receivedAt, request)).toEqual({
      receivedAt,
      operation: 'enrich',
      idempotencyKey: 'k-1',
      companyId: 'c-1',
      peopleDigest: peopleDigest(['p-1', 'p-2']),
      requestDigest: requestDigest('enrich', request),
      costUsd: 2.4,
    });
    expect(paidCall('research', 'k-1', receivedAt, request).costUsd).toBe(3.5);
  });
});

describe('refusalToLog', () => {
  const refusal = {
    path: '/research',
    keyHeader: 'k-1',
    status: 400,
    headersSent: false,
  };

  it('logs a client error on an operation with a valid key under both', () => {
    expect(refusalToLog(refusal)).toEqual({ operation: 'research', key: 'k-1' });
    expect(refusalToLog({ ...refusal, status: 413 })).toEqual({
      operation: 'research',
      key: 'k-1',
    });
  });

  it('leaves anything else to the app', () => {
    expect(refusalToLog({ ...refusal, path: '/other' })).toBeUndefined();
    expect(refusalToLog({ ...refusal, keyHeader: undefined })).toBeUndefined();
    expect(refusalToLog({ ...refusal, keyHeader: 'bad key' })).toBeUndefined();
    expect(refusalToLog({ ...refusal, status: 500 })).toBeUndefined();
    expect(refusalToLog({ ...refusal, headersSent: true })).toBeUndefined();
  });
});
