import { focusWeight } from './traffic';
import { Workforce, type PersonState } from './workforce';

const person = (id: string, department: string, seniority: string): PersonState => ({
  id,
  companyId: 'co-00001',
  fullName: id,
  email: null,
  jobTitle: 'Someone',
  department,
  seniority,
  managerId: null,
  status: 'active',
});

describe('focusWeight', () => {
  it('favours the target departments and people with some seniority', () => {
    const workforce = new Workforce(
      [{ id: 'co-00001', workspaceId: 'ws-devtools', name: 'A', domain: 'a.com' }],
      [],
    );
    const weight = focusWeight(workforce, new Map([['ws-devtools', ['engineering', 'it']]]));
    expect(weight(person('a', 'engineering', 'director'))).toBe(8);
    expect(weight(person('b', 'engineering', 'entry'))).toBe(4);
    expect(weight(person('c', 'finance', 'manager'))).toBe(2);
    expect(weight(person('d', 'finance', 'senior'))).toBe(1);
  });
});
