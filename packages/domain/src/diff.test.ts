import { diffMembers, isEmptyDiff } from './diff';
import type { BuyerGroupMember } from './model';

const m = (personId: string, role: string, fullName: string | null = `Name ${personId}`) => ({
  personId,
  fullName,
  role,
});

describe('diffMembers', () => {
  it('lists who joined, who left and whose role changed, each sorted by person id', () => {
    const previous = [m('p-3', 'champion'), m('p-1', 'decision_maker'), m('p-9', 'end_user')];
    const next = [
      m('p-7', 'blocker'),
      m('p-1', 'decision_maker'),
      m('p-3', 'influencer'),
      m('p-2', 'end_user'),
    ];
    expect(diffMembers(previous, next)).toEqual({
      added: [m('p-2', 'end_user'), m('p-7', 'blocker')],
      removed: [m('p-9', 'end_user')],
      roleChanged: [
        { personId: 'p-3', fullName: 'Name p-3', fromRole: 'champion', toRole: 'influencer' },
      ],
    });
  });

  it.each<[string, ReturnType<typeof m>[], ReturnType<typeof m>[]]>([
    ['two empty groups', [], []],
    [
      'one group in two orders',
      [m('a', 'champion'), m('b', 'blocker')],
      [m('b', 'blocker'), m('a', 'champion')],
    ],
    ['a renamed member', [m('a', 'champion', 'Ada')], [m('a', 'champion', 'Ada King')]],
  ])('is empty for %s', (_case, previous, next) => {
    const diff = diffMembers(previous, next);
    expect(diff).toEqual({ added: [], removed: [], roleChanged: [] });
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it.each([
    ['someone joined', [], [m('a', 'champion')]],
    ['someone left', [m('a', 'champion')], []],
    ['a role changed', [m('a', 'champion')], [m('a', 'decision_maker')]],
  ])('is not empty when %s', (_case, previous, next) => {
    expect(isEmptyDiff(diffMembers(previous, next))).toBe(false);
  });

  it('sorts by code units, not by locale', () => {
    const diff = diffMembers([], [m('b', 'x'), m('B', 'x'), m('a', 'x')]);
    expect(diff.added.map((member) => member.personId)).toEqual(['B', 'a', 'b']);
  });

  it('counts a person listed twice in one version once', () => {
    const diff = diffMembers([], [m('a', 'champion'), m('a', 'blocker')]);
    expect(diff.added).toEqual([m('a', 'champion')]);
  });

  it('keeps a null name; a role change without a new name keeps the old one', () => {
    expect(diffMembers([m('a', 'champion', 'Ada')], [m('a', 'blocker', null)]).roleChanged).toEqual(
      [{ personId: 'a', fullName: 'Ada', fromRole: 'champion', toRole: 'blocker' }],
    );
    expect(diffMembers([], [m('a', 'champion', null)]).added).toEqual([m('a', 'champion', null)]);
  });

  it('takes full members and returns only their identity and role', () => {
    const member: BuyerGroupMember = {
      personId: 'p-1',
      fullName: 'Ada',
      title: 'CTO',
      department: 'Engineering',
      seniority: 'c_level',
      role: 'decision_maker',
      score: 9.5,
      rationale: 'C-level in Engineering',
    };
    expect(diffMembers([], [member]).added).toEqual([
      { personId: 'p-1', fullName: 'Ada', role: 'decision_maker' },
    ]);
  });
});
