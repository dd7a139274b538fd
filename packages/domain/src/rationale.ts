/**
 * The one line a salesperson reads next to a member: why this person, why this role. Built
 * from what placed them, never from free text that could carry a newline.
 */
import { areaLabel } from './areas';
import { oneLine } from './text';
import type { Assignment, Relation } from './role-assignment';
import type { BuyerGroupRole } from './roles';
import type { SeniorityLevel } from './seniority';

export const RATIONALE_MAX_LENGTH = 160;

const LEVEL_LABELS: Readonly<Record<SeniorityLevel, string>> = {
  c_level: 'C-level',
  vp: 'VP-level',
  director: 'Director-level',
  manager: 'Manager-level',
  senior: 'Senior IC',
  mid: 'IC',
  entry: 'Junior',
  intern: 'Intern',
};

const RELATION_PHRASES: Readonly<Record<Exclude<Relation, 'executive' | 'staff'>, string>> = {
  target: 'a target department',
  gatekeeper: 'a gatekeeping function',
  technical: 'a technical function',
  adjacent: 'next to the target departments',
  outside: 'outside the target departments',
};

const ROLE_NOTES: Readonly<Record<BuyerGroupRole, string>> = {
  decision_maker: 'signs off the purchase',
  champion: 'can carry the deal internally',
  technical_evaluator: 'evaluates the technical fit',
  blocker: 'can block or delay the purchase',
  influencer: 'shapes the decision',
  end_user: 'would use the product day to day',
};

export function rationaleFor(assignment: Assignment): string {
  const notes: string[] = [];
  if (assignment.headsLine) notes.push('heads the reporting line');
  if (assignment.role !== 'decision_maker' && assignment.reportsToDecisionMaker) {
    notes.push('reports directly to a decision maker');
  }
  if (notes.length === 0) notes.push(ROLE_NOTES[assignment.role]);
  if (!assignment.profile.title.recognised) notes.push('title unclear');
  return oneLine([opening(assignment), ...notes].join('; '), RATIONALE_MAX_LENGTH);
}

function opening({ profile, relation, area }: Assignment): string {
  if (relation === 'executive') return 'Top executive (CEO, founder or owner)';
  if (relation === 'staff') return 'Chief of Staff, close to the executive but not a signatory';
  const level = profile.level === null ? 'Unclear seniority' : LEVEL_LABELS[profile.level];
  const where = area === null ? 'an unnamed function' : areaLabel(area);
  return `${level} in ${where}, ${RELATION_PHRASES[relation]}`;
}
