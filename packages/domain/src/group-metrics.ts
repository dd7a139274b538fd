/**
 * Two numbers about a whole group, 0 to 10. Confidence: would a salesperson trust it (are the
 * roles a deal needs there, are the people clearly who we think). Cohesion: do they work
 * together (reporting lines, departments), which is what makes a group act as one.
 */
import type { OrgChart } from './org-chart';
import type { BuyerGroupRole } from './roles';
import { clamp, round2 } from './numbers';

export interface RatedMember {
  readonly personId: string;
  readonly role: BuyerGroupRole;
  readonly score: number;
  readonly titleRecognised: boolean;
  readonly departmentKey: string | null;
}

/** What a deal needs; influencers and end users help but their absence does not stall it. */
const KEY_ROLE_WEIGHTS: Readonly<Partial<Record<BuyerGroupRole, number>>> = {
  decision_maker: 0.35,
  champion: 0.25,
  technical_evaluator: 0.2,
  blocker: 0.2,
};

/** One or two people are a contact list, not a group. */
const SMALL_GROUP_FACTOR = [0, 0.4, 0.6, 0.8];

export function groupConfidence(members: readonly RatedMember[]): number {
  if (members.length === 0) return 0;
  const roles = new Set(members.map((member) => member.role));
  const coverage = Object.entries(KEY_ROLE_WEIGHTS)
    .filter(([role]) => roles.has(role as BuyerGroupRole))
    .reduce((sum, [, weight]) => sum + weight, 0);
  const best = members
    .map((member) => member.score)
    .sort((a, b) => b - a)
    .slice(0, 3);
  const strength = best.reduce((sum, score) => sum + score, 0) / best.length / 10;
  const legible = members.filter((member) => member.titleRecognised).length / members.length;
  const raw = 10 * (0.55 * coverage + 0.3 * strength + 0.15 * legible);
  const size = SMALL_GROUP_FACTOR[members.length] ?? 1;
  return round2(clamp(raw * size, 0, 10));
}

/** The share of member pairs in one reporting line or one department; 0 with under two. */
export function groupCohesion(members: readonly RatedMember[], chart: OrgChart): number {
  if (members.length < 2) return 0;
  const above = new Map(members.map((m) => [m.personId, new Set(chart.chainAbove(m.personId))]));
  let pairs = 0;
  let linked = 0;
  for (let i = 0; i < members.length; i += 1) {
    for (let j = i + 1; j < members.length; j += 1) {
      const a = members[i] as RatedMember;
      const b = members[j] as RatedMember;
      pairs += 1;
      const sameLine =
        above.get(a.personId)?.has(b.personId) === true ||
        above.get(b.personId)?.has(a.personId) === true;
      const sameDepartment = a.departmentKey !== null && a.departmentKey === b.departmentKey;
      if (sameLine || sameDepartment) linked += 1;
    }
  }
  return round2(clamp((10 * linked) / pairs, 0, 10));
}
