import fc from 'fast-check';
import {
  fromProviderEvent,
  originRef,
  parseDebeziumCompaniesEvent,
  parseDebeziumPeopleEvent,
  type ProviderEvent,
} from './changes';
import type { Change, Parsed } from './model';

const COMMIT_MS = 1_795_428_000_123;

function peopleRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'p-1',
    company_id: 'c-1',
    full_name: 'Ada Lovelace',
    email: 'ada@example.com',
    job_title: 'VP Engineering',
    department: 'Engineering',
    seniority: 'vp',
    manager_id: null,
    status: 'active',
    updated_at: '2026-11-23T10:00:00.123456Z',
    created_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

function companiesRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'c-1',
    workspace_id: 'w-1',
    name: 'Acme',
    domain: 'acme.example',
    industry: 'Software',
    employee_count: 250,
    status: 'active',
    updated_at: '2026-11-23T10:00:00Z',
    created_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

/** A value as Debezium's JsonConverter writes it with schemas disabled. */
function envelope(
  op: string,
  before: unknown,
  after: unknown,
  source: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    before,
    after,
    source: {
      version: '2.7.3.Final',
      connector: 'postgresql',
      name: 'cdc',
      ts_ms: COMMIT_MS,
      snapshot: 'false',
      db: 'buyergroups',
      sequence: '["24023040","24023128"]',
      schema: 'public',
      table: 'people',
      txId: 778,
      lsn: 24023128,
      xmin: null,
      ...source,
    },
    op,
    ts_ms: COMMIT_MS + 250,
    transaction: null,
  };
}

function expectOk(parsed: Parsed<Change>): Change {
  if (!parsed.ok) throw new Error(`expected ok, got: ${parsed.reason}`);
  return parsed.value;
}

function expectReason(parsed: Parsed<Change>): string {
  if (parsed.ok) throw new Error('expected a failure');
  return parsed.reason;
}

const ADA = {
  id: 'p-1',
  companyId: 'c-1',
  fullName: 'Ada Lovelace',
  email: 'ada@example.com',
  jobTitle: 'VP Engineering',
  department: 'Engineering',
  seniority: 'vp',
  managerId: null,
  status: 'active',
  updatedAt: '2026-11-23T10:00:00.123456Z',
};

describe('parseDebeziumPeopleEvent', () => {
  it('maps a create to a person change with the commit time and log position', () => {
    expect(expectOk(parseDebeziumPeopleEvent(envelope('c', null, peopleRow())))).toEqual({
      kind: 'person',
      op: 'create',
      personId: 'p-1',
      before: null,
      after: ADA,
      occurredAt: COMMIT_MS,
      origin: { type: 'cdc', table: 'people', lsn: '24023128', snapshot: false },
    });
  });

  it('maps an update with both images', () => {
    const change = expectOk(
      parseDebeziumPeopleEvent(
        envelope('u', peopleRow(), peopleRow({ job_title: 'CTO', manager_id: 'p-0' })),
      ),
    );
    expect(change).toMatchObject({
      kind: 'person',
      op: 'update',
      before: ADA,
      after: { ...ADA, jobTitle: 'CTO', managerId: 'p-0' },
    });
  });

  it('accepts an update without a before image', () => {
    const change = expectOk(parseDebeziumPeopleEvent(envelope('u', null, peopleRow())));
    expect(change).toMatchObject({ op: 'update', before: null, after: ADA });
  });

  it('maps a delete from its before image', () => {
    const change = expectOk(parseDebeziumPeopleEvent(envelope('d', peopleRow(), null)));
    expect(change).toMatchObject({ op: 'delete', personId: 'p-1', before: ADA, after: null });
  });

  it('maps a snapshot read', () => {
    const change = expectOk(
      parseDebeziumPeopleEvent(envelope('r', null, peopleRow(), { snapshot: 'true' })),
    );
    expect(change).toMatchObject({ op: 'snapshot', origin: { snapshot: true } });
  });

  it.each([
    ['true', true],
    ['first', true],
    ['last', true],
    ['first_in_data_collection', true],
    ['last_in_data_collection', true],
    ['incremental', true],
    [true, true],
    ['false', false],
    [false, false],
    [null, false],
    [undefined, false],
  ])('reads source.snapshot %j as snapshot=%s', (snapshot, expected) => {
    const change = expectOk(
      parseDebeziumPeopleEvent(envelope('c', null, peopleRow(), { snapshot })),
    );
    expect(change.origin).toMatchObject({ type: 'cdc', snapshot: expected });
  });

  it.each([
    [24023128, '24023128'],
    ['24023128', '24023128'],
    ['18446744073709551615', '18446744073709551615'],
    ['0042', '42'],
    [0, '0'],
  ])('keeps lsn %j as the decimal string %s', (lsn, expected) => {
    const change = expectOk(parseDebeziumPeopleEvent(envelope('c', null, peopleRow(), { lsn })));
    expect(change.origin).toMatchObject({ lsn: expected });
  });

  it('ignores columns it does not know and reads absent nullable columns as null', () => {
    const row = peopleRow({ favourite_colour: 'teal' });
    delete row.email;
    const change = expectOk(parseDebeziumPeopleEvent(envelope('c', null, row)));
    expect(change.kind === 'person' && change.after).toEqual({ ...ADA, email: null });
  });

  it.each([
    ['a tombstone', null, '(value): null'],
    ['a string', 'hello', '(value): expected object'],
    ['an array', [], '(value): expected object'],
    ['a missing op', { ...envelope('c', null, peopleRow()), op: undefined }, 'op:'],
    ['a truncate', envelope('t', null, null), 'op:'],
    ['a missing source', { ...envelope('c', null, peopleRow()), source: undefined }, 'source:'],
    ['an update without after', envelope('u', peopleRow(), null), 'after: required'],
    ['a create without after', envelope('c', null, undefined), 'after: required'],
    [
      'an update with neither image key',
      { op: 'u', source: envelope('u', null, null).source },
      'after: required',
    ],
    ['a snapshot without after', envelope('r', null, null), 'after: required'],
    ['a delete without before', envelope('d', null, null), 'before: required'],
    [
      'a number for company_id',
      envelope('c', null, peopleRow({ company_id: 42 })),
      'after.company_id: expected string',
    ],
    [
      'a missing company_id',
      envelope('c', null, peopleRow({ company_id: undefined })),
      'after.company_id: expected string',
    ],
    ['an empty id', envelope('c', null, peopleRow({ id: '' })), 'after.id: expected a non-empty'],
    [
      'a number for job_title',
      envelope('c', null, peopleRow({ job_title: 7 })),
      'after.job_title:',
    ],
    [
      'a bad before image',
      envelope('u', peopleRow({ status: null }), peopleRow()),
      'before.status: expected string',
    ],
    [
      'a timestamp that is not one',
      envelope('c', null, peopleRow({ updated_at: 'yesterday' })),
      'after.updated_at: expected an ISO-8601 timestamp',
    ],
    ['an lsn of letters', envelope('c', null, peopleRow(), { lsn: 'abc' }), 'source.lsn:'],
    ['a negative lsn', envelope('c', null, peopleRow(), { lsn: -1 }), 'source.lsn:'],
    ['a fractional lsn', envelope('c', null, peopleRow(), { lsn: 1.5 }), 'source.lsn:'],
    ['a missing lsn', envelope('c', null, peopleRow(), { lsn: undefined }), 'source.lsn:'],
    ['a string ts_ms', envelope('c', null, peopleRow(), { ts_ms: 'now' }), 'source.ts_ms:'],
    ['a numeric snapshot', envelope('c', null, peopleRow(), { snapshot: 1 }), 'source.snapshot:'],
    [
      'images of two different rows',
      envelope('u', peopleRow({ id: 'p-2' }), peopleRow()),
      'before.id: differs from after.id',
    ],
  ])('rejects %s, naming the field', (_case, value, reason) => {
    expect(expectReason(parseDebeziumPeopleEvent(value))).toContain(reason);
  });

  it('rejects an event of the companies table', () => {
    const value = envelope('c', null, companiesRow(), { table: 'companies' });
    expect(expectReason(parseDebeziumPeopleEvent(value))).toBe(
      'source.table: expected "people", received "companies"',
    );
  });

  it('never throws, whatever the value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(typeof parseDebeziumPeopleEvent(value).ok).toBe('boolean');
        expect(typeof parseDebeziumCompaniesEvent(value).ok).toBe('boolean');
      }),
    );
  });

  it('never throws when any one field of a valid event is replaced', () => {
    const keys = ['op', 'before', 'after', 'source', 'id', 'company_id', 'lsn', 'ts_ms', 'table'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue(), (key, replacement) => {
        const value = envelope('u', peopleRow(), peopleRow());
        const source = value.source as Record<string, unknown>;
        const after = value.after as Record<string, unknown>;
        if (key in value) value[key] = replacement;
        else if (key in source) source[key] = replacement;
        else after[key] = replacement;
        const parsed = parseDebeziumPeopleEvent(value);
        expect(parsed.ok || parsed.reason.length > 0).toBe(true);
      }),
    );
  });
});

describe('parseDebeziumCompaniesEvent', () => {
  const companies = { table: 'companies' };
  const ACME = {
    id: 'c-1',
    workspaceId: 'w-1',
    name: 'Acme',
    domain: 'acme.example',
    industry: 'Software',
    employeeCount: 250,
    status: 'active',
    updatedAt: '2026-11-23T10:00:00Z',
  };

  it('maps a create to a company change', () => {
    expect(
      expectOk(parseDebeziumCompaniesEvent(envelope('c', null, companiesRow(), companies))),
    ).toEqual({
      kind: 'company',
      op: 'create',
      companyId: 'c-1',
      before: null,
      after: ACME,
      occurredAt: COMMIT_MS,
      origin: { type: 'cdc', table: 'companies', lsn: '24023128', snapshot: false },
    });
  });

  it('maps an update, a delete and a snapshot read', () => {
    const update = expectOk(
      parseDebeziumCompaniesEvent(
        envelope('u', companiesRow(), companiesRow({ employee_count: null }), companies),
      ),
    );
    expect(update).toMatchObject({ op: 'update', before: ACME, after: { employeeCount: null } });
    const deleted = expectOk(
      parseDebeziumCompaniesEvent(envelope('d', companiesRow(), null, companies)),
    );
    expect(deleted).toMatchObject({ op: 'delete', companyId: 'c-1', after: null });
    const read = expectOk(
      parseDebeziumCompaniesEvent(
        envelope('r', null, companiesRow(), { ...companies, snapshot: 'last' }),
      ),
    );
    expect(read).toMatchObject({ op: 'snapshot', origin: { snapshot: true } });
  });

  it.each([
    ['employee_count as a string', { employee_count: '250' }, 'after.employee_count:'],
    ['a fractional employee_count', { employee_count: 2.5 }, 'after.employee_count:'],
    ['a missing workspace_id', { workspace_id: undefined }, 'after.workspace_id:'],
    ['a null name', { name: null }, 'after.name: expected string'],
  ])('rejects %s', (_case, overrides, reason) => {
    const value = envelope('c', null, companiesRow(overrides), companies);
    expect(expectReason(parseDebeziumCompaniesEvent(value))).toContain(reason);
  });

  it('rejects an event of the people table', () => {
    const value = envelope('c', null, peopleRow());
    expect(expectReason(parseDebeziumCompaniesEvent(value))).toBe(
      'source.table: expected "companies", received "people"',
    );
  });
});

describe('fromProviderEvent', () => {
  const event: ProviderEvent = {
    eventId: 'evt_123',
    source: 'demo',
    eventType: 'person.company_change',
    companyId: 'c-2',
    previousCompanyId: 'c-1',
    personId: 'p-1',
    changes: [{ field: 'company', before: 'c-1', after: 'c-2' }],
    occurredAt: COMMIT_MS,
  };

  it('maps the PersonChange record to a provider change', () => {
    expect(fromProviderEvent(event)).toEqual({
      kind: 'provider',
      eventType: 'person.company_change',
      companyId: 'c-2',
      previousCompanyId: 'c-1',
      personId: 'p-1',
      fields: [{ field: 'company', before: 'c-1', after: 'c-2' }],
      occurredAt: COMMIT_MS,
      origin: { type: 'webhook', source: 'demo', eventId: 'evt_123' },
    });
  });

  it('takes occurredAt as a Date too', () => {
    expect(fromProviderEvent({ ...event, occurredAt: new Date(COMMIT_MS) }).occurredAt).toBe(
      COMMIT_MS,
    );
  });
});

describe('originRef', () => {
  it('names a people event by person and log position', () => {
    const change = expectOk(parseDebeziumPeopleEvent(envelope('u', peopleRow(), peopleRow())));
    expect(originRef(change)).toBe('cdc:people:p-1:24023128');
  });

  it('names a companies event by company and log position', () => {
    const change = expectOk(
      parseDebeziumCompaniesEvent(
        envelope('d', companiesRow(), null, { table: 'companies', lsn: '99' }),
      ),
    );
    expect(originRef(change)).toBe('cdc:companies:c-1:99');
  });

  it('names a webhook event by source and event id', () => {
    const change = fromProviderEvent({
      eventId: 'evt_9',
      source: 'legacy',
      eventType: 'company.restructuring',
      companyId: 'c-1',
      previousCompanyId: null,
      personId: null,
      changes: [],
      occurredAt: 0,
    });
    expect(originRef(change)).toBe('webhook:legacy:evt_9');
  });

  it('gives two rows of one snapshot (one log position) different refs', () => {
    const read = (id: string) =>
      originRef(expectOk(parseDebeziumPeopleEvent(envelope('r', null, peopleRow({ id })))));
    expect(read('p-1')).not.toBe(read('p-2'));
  });
});
