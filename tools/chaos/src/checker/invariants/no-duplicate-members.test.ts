import { groupState, member, published } from '../records.fixture';
import { evaluateMembers, memberRowDifferences, repeatedPeople } from './no-duplicate-members';

const row = (personId: string, role = 'influencer', score = 5, companyId = 'c1') => ({
  companyId,
  personId,
  role,
  score,
});

describe('repeatedPeople', () => {
  it('names each person listed more than once, once', () => {
    expect(
      repeatedPeople([{ personId: 'a' }, { personId: 'b' }, { personId: 'a' }, { personId: 'a' }]),
    ).toEqual(['a']);
    expect(repeatedPeople([{ personId: 'a' }, { personId: 'b' }])).toEqual([]);
  });
});

describe('memberRowDifferences', () => {
  it('compares people, roles and scores as the sink stores them', () => {
    const members = [member('a', 'champion', 7.123), member('b', 'blocker', 4)];
    expect(
      memberRowDifferences(members, [row('a', 'champion', 7.12), row('b', 'blocker', 4)]),
    ).toEqual([]);
    expect(memberRowDifferences(members, [row('a', 'influencer', 7.2), row('z')])).toEqual([
      'missing from the table: b',
      'in the table but not published: z',
      'a: role influencer in the table, champion published',
      'a: score 7.2 in the table, 7.123 published',
    ]);
  });
});

describe('evaluateMembers', () => {
  const newest = groupState('c1', 9, { members: [member('a'), member('b')] });

  it('passes when the table holds exactly the newest generation', () => {
    const result = evaluateMembers({
      published: [
        published(groupState('c1', 4, { members: [member('x')] }), 0, 1),
        published(newest, 0, 2),
      ],
      memberRows: [row('a'), row('b')],
      companyIds: ['c1', 'c2'],
    });
    expect(result).toEqual({ name: 'no-duplicate-members', checked: 4, violations: [] });
  });

  it('reports a generation listing a person twice', () => {
    const twice = groupState('c1', 9, { members: [member('a'), member('a', 'champion')] });
    const result = evaluateMembers({
      published: [published(twice, 2, 40)],
      memberRows: [row('a')],
      companyIds: ['c1'],
    });
    expect(result.violations.map((v) => v.detail)).toEqual([
      'generation 9 (2:40) lists a more than once',
      expect.stringContaining('members table vs newest generation 9'),
    ]);
  });

  it('reports a member row left behind by an older generation', () => {
    const result = evaluateMembers({
      published: [published(newest, 0, 2)],
      memberRows: [row('a'), row('b'), row('x')],
      companyIds: ['c1'],
    });
    expect(result.violations).toEqual([
      {
        invariant: 'no-duplicate-members',
        companyId: 'c1',
        detail: 'members table vs newest generation 9: in the table but not published: x',
      },
    ]);
  });

  it('reports member rows of a company that published nothing', () => {
    const result = evaluateMembers({
      published: [],
      memberRows: [row('a', 'champion', 5, 'c3')],
      companyIds: ['c3'],
    });
    expect(result.violations[0]?.detail).toBe('1 member rows but no published generation');
  });
});
