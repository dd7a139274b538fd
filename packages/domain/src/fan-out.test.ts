import { changeTouches, touchedCompanies } from './fan-out';
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

describe('a provider move also touches where the person was known to be before it', () => {
  const move = (
    from: string,
    to: string,
    eventId = 'e-2',
  ): Extract<Change, { kind: 'provider' }> => ({
    kind: 'provider',
    eventType: 'person.company_change',
    companyId: to,
    previousCompanyId: from,
    personId: 'p-1',
    fields: [{ field: 'company', before: from, after: to }],
    occurredAt: 2_000,
    origin: { type: 'webhook', source: 'demo', eventId },
  });

  it.each<[string, Change, string[], string[]]>([
    [
      'a second move naming the stale old company also touches the previously observed one',
      move('c-a', 'c-c'),
      ['c-b', 'c-a'],
      ['c-a', 'c-b', 'c-c'],
    ],
    [
      "a move back to the row's company touches the observed one it leaves, then the row's",
      move('c-b', 'c-a'),
      ['c-b', 'c-a'],
      ['c-b', 'c-a'],
    ],
    [
      "a move back to the row's company naming it as the old one still leaves the observed one",
      move('c-a', 'c-a'),
      ['c-b', 'c-a'],
      ['c-b', 'c-a'],
    ],
    [
      'a move to the company the person is already in touches it once, last',
      move('c-a', 'c-b'),
      ['c-b', 'c-a'],
      ['c-a', 'c-b'],
    ],
    [
      'a first move, known only in the row the event names, touches as before',
      move('c-a', 'c-b'),
      ['c-a'],
      ['c-a', 'c-b'],
    ],
    ['blank known companies are ignored', move('c-a', 'c-b'), ['', 'c-a'], ['c-a', 'c-b']],
  ])('%s', (_case, change, knownBefore, expected) => {
    expect(touchedCompanies(change, knownBefore)).toEqual(expected);
    const touches = changeTouches(change, { backfill: false }, knownBefore);
    expect(touches.map((touch) => touch.companyId)).toEqual(expected);
  });

  it('every touch of the move names the move as its cause', () => {
    const touches = changeTouches(move('c-a', 'c-c', 'e-9'), { backfill: false }, ['c-b']);
    expect(touches).toEqual(
      ['c-a', 'c-b', 'c-c'].map((companyId) => ({
        companyId,
        reason: 'person.company_change',
        triggeredBy: 'webhook:demo:e-9',
        origin: { ref: 'webhook:demo:e-9', occurredAt: 2_000 },
      })),
    );
  });

  it('a role change is unaffected: it moves nobody out of a group', () => {
    const roleChange: Change = {
      ...move('c-a', 'c-a'),
      eventType: 'person.role_change',
      previousCompanyId: null,
      fields: [{ field: 'title', before: 'Engineer', after: 'CTO' }],
    };
    expect(touchedCompanies(roleChange, ['c-b', 'c-a'])).toEqual(['c-a']);
    const touches = changeTouches(roleChange, { backfill: false }, ['c-b', 'c-a']);
    expect(touches.map((touch) => [touch.companyId, touch.reason])).toEqual([
      ['c-a', 'person.role_change'],
    ]);
  });

  it('a cosmetic move touches nothing when the person was known to be there', () => {
    expect(changeTouches(move('c-a', 'c-a'), { backfill: false }, ['c-a'])).toEqual([]);
    expect(changeTouches(move('c-a', 'c-a'), { backfill: false })).toEqual([]);
  });

  it('a CDC change ignores them: its images carry the companies', () => {
    expect(touchedCompanies(personChange('update', 'c-1', 'c-2'), ['c-9'])).toEqual(['c-1', 'c-2']);
  });
});
