/**
 * How strongly someone belongs in the group, 0 to 10: their role sets the base, seniority and
 * closeness to the target move it, and evidence (a title we could read) makes it surer.
 */
import type { Relation, Assignment } from './role-assignment';
import type { BuyerGroupRole } from './roles';
import type { SeniorityLevel } from './seniority';
import { clamp, round2 } from './numbers';

const ROLE_BASE: Readonly<Record<BuyerGroupRole, number>> = {
  decision_maker: 6,
  champion: 5,
  technical_evaluator: 4.5,
  blocker: 4.5,
  influencer: 3.5,
  end_user: 2,
};

const LEVEL_POINTS: Readonly<Record<SeniorityLevel, number>> = {
  c_level: 2,
  vp: 1.5,
  director: 1,
  manager: 0.6,
  senior: 0.4,
  mid: 0,
  entry: -0.5,
  intern: -1,
};
const UNKNOWN_LEVEL_POINTS = -0.8;

const RELATION_POINTS: Readonly<Record<Exclude<Relation, 'executive'>, number>> = {
  target: 1,
  staff: 0.5,
  gatekeeper: 0.5,
  technical: 0.3,
  adjacent: 0,
  outside: -0.5,
};

/** A CEO signs for a 40-person company's tools; at 5,000 people the purchase is delegated. */
function executiveReach(employeeCount: number | null): number {
  if (employeeCount === null) return 0.5;
  if (employeeCount <= 200) return 1;
  if (employeeCount <= 1000) return 0;
  return -1;
}

export function scoreMember(assignment: Assignment, employeeCount: number | null): number {
  const { profile, role, relation } = assignment;
  const relationPoints =
    relation === 'executive' ? executiveReach(employeeCount) : RELATION_POINTS[relation];
  const points = [
    ROLE_BASE[role],
    profile.level === null ? UNKNOWN_LEVEL_POINTS : LEVEL_POINTS[profile.level],
    relationPoints,
    assignment.headsLine ? 0.5 : 0,
    assignment.reportsToDecisionMaker ? 0.4 : 0,
    Math.min(assignment.reportCount, 10) * 0.03,
    profile.title.recognised ? 0.3 : -0.7,
    profile.person.department?.trim() ? 0.2 : 0,
  ];
  return round2(
    clamp(
      points.reduce((sum, value) => sum + value, 0),
      0,
      10,
    ),
  );
}
