import { touchedCompanies } from './fan-out';
import type { Change, ChangeOp, Person } from './model';

const person = (companyId: string): Person => ({
  id: 'p-1',
  companyId,
  fullName: 'Ada Lovelace',
  email: null,
  jobTitle: 'CTO',
  department: null,
  seniority: null,
  managerId: null,
  status: 'active',
  updatedAt: null,
});

const cdc = { type: 'cdc', table: 'people', lsn: '1', snapshot: false } as const;

const personChange = (op: ChangeOp, before: string | null, after: string | null): Change => ({
  kind: 'person',
  op,
  personId: 'p-1',
  before: before === null ? null : person(before),
  after: after === null ? null : person(after),
  occurredAt: 0,
  origin: cdc,
});

const providerChange = (companyId: string, previousCompanyId: string | null): Change => ({
  kind: 'provider',
  eventType: 'person.company_change',
  companyId,
  previousCompanyId,
  personId: 'p-1',
  fields: [],
  occurredAt: 0,
  origin: { type: 'webhook', source: 'demo', eventId: 'e-1' },
});

describe('touchedCompanies', () => {
  it.each<[string, Change, string[]]>([
    [
      'a move touches the old company, then the new',
      personChange('update', 'c-1', 'c-2'),
      ['c-1', 'c-2'],
    ],
    ['an update within one company touches it once', personChange('update', 'c-1', 'c-1'), ['c-1']],
    [
      'an update without a before image touches the current company',
      personChange('update', null, 'c-2'),
      ['c-2'],
    ],
    ['a create touches the new company', personChange('create', null, 'c-2'), ['c-2']],
    [
      'a delete touches the company the person was in',
      personChange('delete', 'c-1', null),
      ['c-1'],
    ],
    ['a snapshot read touches the company', personChange('snapshot', null, 'c-3'), ['c-3']],
    [
      'a provider move touches the previous company, then the new',
      providerChange('c-2', 'c-1'),
      ['c-1', 'c-2'],
    ],
    [
      'a provider event without a previous company touches its company',
      providerChange('c-2', null),
      ['c-2'],
    ],
    ['a provider "move" within one company touches it once', providerChange('c-2', 'c-2'), ['c-2']],
    [
      'a provider event with a blank previous company ignores it',
      providerChange('c-2', ''),
      ['c-2'],
    ],
  ])('%s', (_case, change, expected) => {
    expect(touchedCompanies(change)).toEqual(expected);
  });

  it('a company change touches that company', () => {
    const change: Change = {
      kind: 'company',
      op: 'update',
      companyId: 'c-7',
      before: null,
      after: null,
      occurredAt: 0,
      origin: { ...cdc, table: 'companies' },
    };
    expect(touchedCompanies(change)).toEqual(['c-7']);
  });
});
