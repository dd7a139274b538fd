/**
 * What changed between two versions of a buyer group, for the change feed. Only membership and
 * roles count: a score moving from 7.1 to 7.2 is not news to a salesperson.
 */
import { compareCodeUnits } from './text';

export interface MemberRef {
  readonly personId: string;
  readonly fullName: string | null;
  readonly role: string;
}

export interface RoleChange {
  personId: string;
  fullName: string | null;
  fromRole: string;
  toRole: string;
}

export interface MemberDiff {
  added: { personId: string; fullName: string | null; role: string }[];
  removed: { personId: string; fullName: string | null; role: string }[];
  roleChanged: RoleChange[];
}

/** Each list sorted by person id; a person listed twice in one version counts once (the first). */
export function diffMembers(
  previous: readonly MemberRef[],
  next: readonly MemberRef[],
): MemberDiff {
  const before = byPersonId(previous);
  const after = byPersonId(next);
  const diff: MemberDiff = { added: [], removed: [], roleChanged: [] };

  for (const [personId, member] of after) {
    const old = before.get(personId);
    if (old === undefined) diff.added.push(ref(member));
    else if (old.role !== member.role) {
      diff.roleChanged.push({
        personId,
        fullName: member.fullName ?? old.fullName,
        fromRole: old.role,
        toRole: member.role,
      });
    }
  }
  for (const [personId, member] of before) {
    if (!after.has(personId)) diff.removed.push(ref(member));
  }

  const byId = (a: { personId: string }, b: { personId: string }) =>
    compareCodeUnits(a.personId, b.personId);
  diff.added.sort(byId);
  diff.removed.sort(byId);
  diff.roleChanged.sort(byId);
  return diff;
}

export function isEmptyDiff(diff: {
  readonly added: readonly unknown[];
  readonly removed: readonly unknown[];
  readonly roleChanged: readonly unknown[];
}): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.roleChanged.length === 0;
}

function byPersonId(members: readonly MemberRef[]): Map<string, MemberRef> {
  const map = new Map<string, MemberRef>();
  for (const member of members) {
    if (!map.has(member.personId)) map.set(member.personId, member);
  }
  return map;
}

const ref = ({ personId, fullName, role }: MemberRef) => ({ personId, fullName, role });
