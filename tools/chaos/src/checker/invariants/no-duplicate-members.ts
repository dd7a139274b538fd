/**
 * no-duplicate-members: no published generation lists a person twice, and the members table
 * holds exactly the members of each company's newest published generation: the same people, in
 * the same roles, with the same scores (as the sink stores them, numeric(4,2)). The primary key
 * (company, person) already forbids a row twice; what it cannot forbid is a member left behind
 * by an older generation, or one the newest generation names that the table lacks.
 */
import type { Queryable } from '../db';
import type { InvariantResult, Violation } from '../types';
import {
  clamp10,
  groupBy,
  newestByCompany,
  type MemberRow,
  type PublishedGroup,
  type StateMember,
} from '../records';

export interface MembersInput {
  readonly published: readonly PublishedGroup[];
  readonly memberRows: readonly MemberRow[];
  readonly companyIds: readonly string[];
}

const NAME = 'no-duplicate-members' as const;

/** Half a cent of a numeric(4,2), plus float noise. */
export const STORED_SCORE_TOLERANCE = 0.0051;

/** Person ids listed more than once. */
export function repeatedPeople(members: readonly { readonly personId: string }[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const { personId } of members) {
    if (seen.has(personId)) repeated.add(personId);
    seen.add(personId);
  }
  return [...repeated];
}

/**
 * How the stored rows differ from a generation's members, in words; empty when they agree.
 * `score` is compared as the sink stores it.
 */
export function memberRowDifferences(
  members: readonly Pick<StateMember, 'personId' | 'role' | 'score'>[],
  rows: readonly MemberRow[],
  /** What the members are: `published`, `expected`. */
  label = 'published',
): string[] {
  const expected = new Map(members.map((m) => [m.personId, m]));
  const stored = new Map(rows.map((r) => [r.personId, r]));
  const differences: string[] = [];
  const missing = [...expected.keys()].filter((id) => !stored.has(id));
  const extra = [...stored.keys()].filter((id) => !expected.has(id));
  if (missing.length > 0) differences.push(`missing from the table: ${missing.join(', ')}`);
  if (extra.length > 0) differences.push(`in the table but not ${label}: ${extra.join(', ')}`);
  for (const [personId, member] of expected) {
    const row = stored.get(personId);
    if (row === undefined) continue;
    if (row.role !== member.role) {
      differences.push(`${personId}: role ${row.role} in the table, ${member.role} ${label}`);
    }
    if (Math.abs(row.score - clamp10(member.score)) > STORED_SCORE_TOLERANCE) {
      differences.push(`${personId}: score ${row.score} in the table, ${member.score} ${label}`);
    }
  }
  return differences;
}

export function evaluateMembers(input: MembersInput): InvariantResult {
  const violations: Violation[] = [];
  for (const record of input.published) {
    const repeated = repeatedPeople(record.value.members);
    if (repeated.length === 0) continue;
    violations.push({
      invariant: NAME,
      companyId: record.value.companyId,
      detail: `generation ${record.value.generation} (${record.partition}:${record.offset}) lists ${repeated.join(', ')} more than once`,
    });
  }
  const newest = newestByCompany(input.published);
  const rowsOf = groupBy(input.memberRows, (r) => r.companyId);
  for (const companyId of input.companyIds) {
    const record = newest.get(companyId);
    const rows = rowsOf.get(companyId) ?? [];
    if (record === undefined) {
      if (rows.length > 0) {
        violations.push({
          invariant: NAME,
          companyId,
          detail: `${rows.length} member rows but no published generation`,
        });
      }
      continue;
    }
    const differences = memberRowDifferences(record.value.members, rows);
    if (differences.length > 0) {
      violations.push({
        invariant: NAME,
        companyId,
        detail: `members table vs newest generation ${record.value.generation}: ${differences.join('; ')}`,
      });
    }
  }
  return { name: NAME, checked: input.published.length + input.companyIds.length, violations };
}

export async function readMemberRows(
  db: Queryable,
  companyIds: readonly string[],
): Promise<MemberRow[]> {
  const rows = await db.query<{
    company_id: string;
    person_id: string;
    role: string;
    score: string;
  }>(
    `SELECT company_id, person_id, role, score FROM buyer_group_members WHERE company_id = ANY($1)`,
    [companyIds],
  );
  return rows.map((r) => ({
    companyId: r.company_id,
    personId: r.person_id,
    role: r.role,
    score: Number(r.score),
  }));
}
