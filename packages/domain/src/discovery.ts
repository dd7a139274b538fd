/**
 * Buyer-group discovery: from a company's people to the handful who will decide, champion,
 * evaluate, block or use a purchase of what the workspace sells. Deterministic: the same
 * people in any order give the same group, so a replay writes the same rows.
 */
import { groupCohesion, groupConfidence, type RatedMember } from './group-metrics';
import { scoreMember } from './member-score';
import type { BuyerGroupMember, Company, Discovery, Person, WorkspaceTarget } from './model';
import { buildOrgChart } from './org-chart';
import { profilePerson } from './person-profile';
import { rationaleFor } from './rationale';
import { assignRoles, targetContext, type Assignment } from './role-assignment';
import type { BuyerGroupRole } from './roles';
import { compareCodeUnits } from './text';

export interface DiscoveryInput {
  /**
   * Null when the company row is not known (not replicated yet, or the caller has only the
   * people): the people are then taken as they come, and company size counts as unknown.
   */
  readonly company: Company | null;
  readonly people: readonly Person[];
  readonly target: WorkspaceTarget;
  readonly maxMembers?: number;
}

export const DEFAULT_MAX_MEMBERS = 12;

/**
 * Roles a group must not lose to the size limit, most needed first: without a decision maker a
 * deal has no owner, without a blocker it meets its gate unprepared; a champion and a technical
 * evaluator are what confidence counts next. Five VPs of finance are worth less than that.
 */
const PROTECTED_ROLES: readonly BuyerGroupRole[] = [
  'decision_maker',
  'blocker',
  'champion',
  'technical_evaluator',
];

const empty = (): Discovery => ({ members: [], confidence: 0, cohesion: 0 });

interface Ranked {
  readonly assignment: Assignment;
  readonly score: number;
}

export function discoverBuyerGroup(input: DiscoveryInput): Discovery {
  const { company } = input;
  const people = canonicalRoster(input.people, company?.id ?? null);
  if (people.length === 0) return empty();

  const chart = buildOrgChart(people);
  const assignments = assignRoles(people.map(profilePerson), chart, targetContext(input.target));
  const ranked = assignments
    .map((assignment) => ({
      assignment,
      score: scoreMember(assignment, company?.employeeCount ?? null),
    }))
    .sort(byScoreThenId);
  const kept = keepBest(ranked, memberLimit(input.maxMembers));

  const rated: RatedMember[] = kept.map(({ assignment, score }) => ({
    personId: assignment.profile.person.id,
    role: assignment.role,
    score,
    titleRecognised: assignment.profile.title.recognised,
    departmentKey: assignment.profile.departmentKey,
  }));
  return {
    members: kept.map(toMember),
    confidence: groupConfidence(rated),
    cohesion: groupCohesion(rated, chart),
  };
}

/**
 * Only the company's own people (a roster read mid-move may hold someone who just left), each
 * once, in id order: the order the caller loaded them in must not matter. Of two rows with one
 * id the later `updatedAt` wins, then a fixed order of their contents.
 */
function canonicalRoster(people: readonly Person[], companyId: string | null): Person[] {
  const byId = new Map<string, Person>();
  for (const person of people) {
    if (companyId !== null && person.companyId !== companyId) continue;
    const seen = byId.get(person.id);
    if (seen === undefined || preferRow(person, seen)) byId.set(person.id, person);
  }
  return [...byId.values()].sort((a, b) => compareCodeUnits(a.id, b.id));
}

function preferRow(candidate: Person, current: Person): boolean {
  const candidateTime = Date.parse(candidate.updatedAt ?? '') || 0;
  const currentTime = Date.parse(current.updatedAt ?? '') || 0;
  if (candidateTime !== currentTime) return candidateTime > currentTime;
  return compareCodeUnits(JSON.stringify(candidate), JSON.stringify(current)) > 0;
}

function memberLimit(maxMembers: number | undefined): number {
  if (maxMembers === undefined || Number.isNaN(maxMembers)) return DEFAULT_MAX_MEMBERS;
  return Math.max(0, Math.floor(maxMembers));
}

function byScoreThenId(a: Ranked, b: Ranked): number {
  return (
    b.score - a.score ||
    compareCodeUnits(a.assignment.profile.person.id, b.assignment.profile.person.id)
  );
}

/** The best `limit`, except that the top member of each protected role displaces the last. */
function keepBest(ranked: readonly Ranked[], limit: number): Ranked[] {
  const kept = new Set<Ranked>();
  for (const role of PROTECTED_ROLES) {
    const top = ranked.find((entry) => entry.assignment.role === role);
    if (top !== undefined && kept.size < limit) kept.add(top);
  }
  for (const entry of ranked) {
    if (kept.size >= limit) break;
    kept.add(entry);
  }
  return ranked.filter((entry) => kept.has(entry));
}

function toMember({ assignment, score }: Ranked): BuyerGroupMember {
  const { person } = assignment.profile;
  return {
    personId: person.id,
    fullName: person.fullName,
    title: person.jobTitle,
    department: person.department,
    seniority: person.seniority,
    role: assignment.role,
    score,
    rationale: rationaleFor(assignment),
  };
}
