import { Workforce, type PersonState } from './workforce';

const person = (id: string, companyId: string, managerId: string | null = null): PersonState => ({
  id,
  companyId,
  fullName: id,
  email: null,
  jobTitle: 'Engineer',
  department: 'engineering',
  seniority: 'entry',
  managerId,
  status: 'active',
});

const companies = [
  { id: 'co-00001', workspaceId: 'ws-a', name: 'A', domain: 'a.com' },
  { id: 'co-00002', workspaceId: 'ws-a', name: 'B', domain: 'b.com' },
];

describe('Workforce', () => {
  it('numbers a hire after the highest number ever given at that company', () => {
    const workforce = new Workforce(companies, [
      person('p-00001-001', 'co-00001'),
      // a hire of a previous run who has moved on to another company since
      person('p-00001-061', 'co-00002'),
      person('p-00002-007', 'co-00002'),
    ]);
    expect(workforce.nextPersonId('co-00001')).toBe('p-00001-062');
    expect(workforce.nextPersonId('co-00002')).toBe('p-00002-008');
  });

  it('follows updates: company staff and who manages anyone', () => {
    const workforce = new Workforce(companies, [
      person('p-00001-001', 'co-00001'),
      person('p-00001-002', 'co-00001', 'p-00001-001'),
      person('p-00002-001', 'co-00002'),
    ]);
    expect(workforce.managesAnyone('p-00001-001')).toBe(true);
    workforce.apply({
      op: 'update',
      personId: 'p-00001-002',
      set: { companyId: 'co-00002', managerId: 'p-00002-001' },
    });
    expect(workforce.managesAnyone('p-00001-001')).toBe(false);
    expect(workforce.managesAnyone('p-00002-001')).toBe(true);
    expect(workforce.peopleAt('co-00002').map((p) => p.id)).toEqual(['p-00001-002', 'p-00002-001']);
    workforce.apply({ op: 'insert', person: person('p-00001-003', 'co-00001', 'p-00001-001') });
    expect(workforce.all().map((p) => p.id)).toEqual([
      'p-00001-001',
      'p-00001-002',
      'p-00001-003',
      'p-00002-001',
    ]);
  });
});
