/**
 * Who plays which part in a purchase, relative to what the workspace sells. Decision makers are
 * settled first because the other roles are partly defined by their distance to them.
 */
import {
  adjacentAreas,
  gatekeepingAreas,
  inferTargetAreas,
  TECHNICAL_AREAS,
  type Area,
} from './areas';
import type { WorkspaceTarget } from './model';
import { rememberedBy } from './memo';
import type { OrgChart } from './org-chart';
import type { PersonProfile } from './person-profile';
import type { BuyerGroupRole } from './roles';
import { seniorityRank, type SeniorityLevel } from './seniority';
import { compareCodeUnits } from './text';

export interface TargetContext {
  readonly targets: readonly Area[];
  readonly gatekeepers: readonly Area[];
  readonly adjacent: readonly Area[];
  /** Technical products are evaluated by the target's own engineers, not by IT from outside. */
  readonly technicalProduct: boolean;
}

export function targetContext(target: WorkspaceTarget): TargetContext {
  const targets = inferTargetAreas(target);
  return {
    targets,
    gatekeepers: gatekeepingAreas(targets),
    adjacent: adjacentAreas(targets),
    technicalProduct: targets.some((area) => (TECHNICAL_AREAS as readonly Area[]).includes(area)),
  };
}

/** How the person relates to the purchase, for the score and the rationale. */
export type Relation =
  'target' | 'executive' | 'staff' | 'gatekeeper' | 'technical' | 'adjacent' | 'outside';

export interface Assignment {
  readonly profile: PersonProfile;
  readonly role: BuyerGroupRole;
  readonly relation: Relation;
  /** The area that placed them, null when none did (a general executive, say). */
  readonly area: Area | null;
  /** Top of their area's reporting line, with people under them. */
  readonly headsLine: boolean;
  readonly reportsToDecisionMaker: boolean;
  readonly reportCount: number;
}

const atLeast = (level: SeniorityLevel | null, floor: SeniorityLevel): boolean =>
  level !== null && seniorityRank(level) >= seniorityRank(floor);

/** Everyone who belongs in the group, with their role; the others are left out. */
export function assignRoles(
  profiles: readonly PersonProfile[],
  chart: OrgChart,
  context: TargetContext,
): Assignment[] {
  const candidates = profiles.filter(
    (p) => p.active && p.level !== 'intern' && (p.level !== null || p.areas.length > 0),
  );
  const byId = new Map(candidates.map((p) => [p.person.id, p]));
  const targetAreaOf = (p: PersonProfile) => p.areas.find((area) => context.targets.includes(area));
  // Both are asked for the same people several times (deciding the decision makers, then
  // placing everyone): each is worked out once per person.
  const hasTargetManager = rememberedBy(
    (p: PersonProfile) => p.person.id,
    (p) =>
      chart.chainAbove(p.person.id).some((id) => {
        const manager = byId.get(id);
        return manager !== undefined && targetAreaOf(manager) !== undefined;
      }),
  );
  const reportCountOf = rememberedBy(
    (personId: string) => personId,
    (personId) => chart.reportCount(personId, (id) => byId.has(id)),
  );
  const decisionMakers = pickDecisionMakers(
    candidates,
    targetAreaOf,
    hasTargetManager,
    reportCountOf,
  );

  return candidates.flatMap((profile): Assignment[] => {
    const id = profile.person.id;
    const targetArea = targetAreaOf(profile);
    const managerId = chart.chainAbove(id)[0];
    // Only inside the target is closeness to its decision maker a sign of sway.
    const reportsToDecisionMaker =
      targetArea !== undefined && managerId !== undefined && decisionMakers.has(managerId);
    const placed = place(profile, {
      context,
      targetArea,
      decisionMaker: decisionMakers.has(id),
      reportsToDecisionMaker,
    });
    if (placed === null) return [];
    const reportCount = reportCountOf(id);
    const leads = placed.relation === 'target' || placed.relation === 'executive';
    return [
      {
        profile,
        ...placed,
        headsLine: leads && reportCount > 0 && !hasTargetManager(profile),
        reportsToDecisionMaker,
        reportCount,
      },
    ];
  });
}

function pickDecisionMakers(
  candidates: readonly PersonProfile[],
  targetAreaOf: (p: PersonProfile) => Area | undefined,
  hasTargetManager: (p: PersonProfile) => boolean,
  reportCount: (personId: string) => number,
): Set<string> {
  const leadsArea = (p: PersonProfile, area: Area) =>
    !candidates.some((q) => q !== p && atLeast(q.level, 'vp') && q.areas.includes(area));
  const chosen = candidates.filter((p) => {
    if (p.title.supportsExecutive) return false;
    if (p.generalExecutive) return true;
    const area = targetAreaOf(p);
    if (area === undefined) return false;
    if (atLeast(p.level, 'vp')) return true;
    // A director with no one above them in the target area runs it.
    return p.level === 'director' && !hasTargetManager(p) && leadsArea(p, area);
  });
  if (chosen.length > 0) return new Set(chosen.map((p) => p.person.id));

  // Small companies without executives on the roster: the manager heading the largest target
  // line decides.
  const fallback = candidates
    .filter((p) => targetAreaOf(p) !== undefined && p.level === 'manager' && !hasTargetManager(p))
    .map((p) => ({ p, reports: reportCount(p.person.id) }))
    .sort((a, b) => b.reports - a.reports || compareCodeUnits(a.p.person.id, b.p.person.id))[0];
  return new Set(fallback ? [fallback.p.person.id] : []);
}

interface Placement {
  readonly role: BuyerGroupRole;
  readonly relation: Relation;
  readonly area: Area | null;
}

function place(
  p: PersonProfile,
  facts: {
    readonly context: TargetContext;
    readonly targetArea: Area | undefined;
    readonly decisionMaker: boolean;
    readonly reportsToDecisionMaker: boolean;
  },
): Placement | null {
  const { context, targetArea, decisionMaker, reportsToDecisionMaker } = facts;
  const { level, title } = p;
  if (decisionMaker) {
    return p.generalExecutive || targetArea === undefined
      ? { role: 'decision_maker', relation: 'executive', area: 'executive' }
      : { role: 'decision_maker', relation: 'target', area: targetArea };
  }
  if (title.chiefOfStaff) return { role: 'influencer', relation: 'staff', area: 'executive' };
  // An assistant follows the boss's calendar, not the purchase.
  if (title.supportsExecutive) return null;

  if (targetArea !== undefined) {
    const inTarget = (role: BuyerGroupRole): Placement => ({
      role,
      relation: 'target',
      area: targetArea,
    });
    if (atLeast(level, 'director')) return inTarget('champion');
    // Outside engineering-led purchases, whoever runs the function's tools checks the fit.
    if (!context.technicalProduct && title.operationsSpecialist) {
      return inTarget('technical_evaluator');
    }
    if (level === 'manager') return inTarget('champion');
    if (level === 'senior' && title.technical) return inTarget('technical_evaluator');
    if (level === 'senior') return inTarget(reportsToDecisionMaker ? 'champion' : 'influencer');
    if (title.shapesRequirements) return inTarget('influencer');
    return inTarget('end_user');
  }

  const gate = p.areas.find((area) => context.gatekeepers.includes(area));
  if (gate !== undefined) return { role: 'blocker', relation: 'gatekeeper', area: gate };

  const technicalArea = p.areas.find((area) => (TECHNICAL_AREAS as readonly Area[]).includes(area));
  if (
    technicalArea !== undefined &&
    !context.technicalProduct &&
    atLeast(level, 'senior') &&
    !atLeast(level, 'vp')
  ) {
    return { role: 'technical_evaluator', relation: 'technical', area: technicalArea };
  }

  const ownArea = p.areas[0] ?? null;
  if (atLeast(level, 'vp')) return { role: 'influencer', relation: 'outside', area: ownArea };
  const neighbour = p.areas.find((area) => context.adjacent.includes(area));
  if (level === 'director' && neighbour !== undefined) {
    return { role: 'influencer', relation: 'adjacent', area: neighbour };
  }
  return null;
}
