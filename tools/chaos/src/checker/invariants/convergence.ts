/**
 * convergence: once the run has drained, each company's final saved group (its newest
 * `buyer-groups` record, its `buyer_groups` row and its `buyer_group_members` rows) is what
 * discovery makes of the company's final roster, recomputed here with `@bgs/domain`.
 *
 * The inputs are read (final-state.ts) from the same tables the refresher's discover step reads,
 * and merged the same way, so that if the last refresh saw the final state, the results agree:
 * - the company row and its workspace's target (`workspace_settings.product_category`,
 *   `target_departments`; a workspace without settings gets the refresher's default, software
 *   with no departments). The chaos workspaces have cooldown 0, so no refresh is deferred and
 *   the level changes nothing about who is in the group or in which role.
 * - the people whose row is the company's, and those a provider reported moving into it
 *   (`person_observations` field `company`), each row as it is now;
 * - every observation of those people (`person_observations` keeps the newest per person and
 *   field) and the commit time of each row's last change (`person_upstream_commits`), both as
 *   epoch ms computed by Postgres with the expression the refresher uses, so sub-millisecond
 *   ties between an observation and a commit fall the same way;
 * - `mergeRoster` then `discoverBuyerGroup` with the refresher's member limit.
 * Member ids and roles must be equal; scores, confidence and cohesion within a tolerance (the
 * table stores them as numeric(4,2)).
 */
import {
  discoverBuyerGroup,
  mergeRoster,
  type Company,
  type Discovery,
  type Observation,
  type Person,
  type WorkspaceTarget,
} from '@bgs/domain';
import type { InvariantResult, Violation } from '../types';
import {
  clamp10,
  type MemberRow,
  type PublishedGroup,
  type SavedGroupRow,
  type StateMember,
} from '../records';
import { STORED_SCORE_TOLERANCE, memberRowDifferences } from './no-duplicate-members';

export interface CompanyFinalState {
  readonly companyId: string;
  /** Null: no `companies` row (the refresher could not have discovered it). */
  readonly company: Company | null;
  readonly target: WorkspaceTarget;
  readonly people: readonly Person[];
  readonly observations: readonly Observation[];
  readonly upstreamChangedAt: ReadonlyMap<string, number>;
  readonly saved: SavedGroupRow | null;
  readonly memberRows: readonly MemberRow[];
  readonly newest: PublishedGroup | undefined;
}

const NAME = 'convergence' as const;

/** Published values are discovery's own numbers; only float noise may differ. */
export const PUBLISHED_TOLERANCE = 0.01;

export function expectedGroup(state: CompanyFinalState, maxMembers: number): Discovery {
  return discoverBuyerGroup({
    company: state.company,
    people: mergeRoster({
      companyId: state.companyId,
      people: state.people,
      observations: state.observations,
      upstreamChangedAt: state.upstreamChangedAt,
    }),
    target: state.target,
    maxMembers,
  });
}

/** How published members differ from the expected ones, in words. */
export function publishedDifferences(
  expected: Discovery,
  published: readonly Pick<StateMember, 'personId' | 'role' | 'score'>[],
): string[] {
  const want = new Map(expected.members.map((m) => [m.personId, m]));
  const got = new Map(published.map((m) => [m.personId, m]));
  const differences: string[] = [];
  const missing = [...want.keys()].filter((id) => !got.has(id));
  const extra = [...got.keys()].filter((id) => !want.has(id));
  if (missing.length > 0) differences.push(`expected but not published: ${missing.join(', ')}`);
  if (extra.length > 0) differences.push(`published but not expected: ${extra.join(', ')}`);
  for (const [personId, member] of want) {
    const actual = got.get(personId);
    if (actual === undefined) continue;
    if (actual.role !== member.role) {
      differences.push(`${personId}: published ${actual.role}, expected ${member.role}`);
    }
    if (Math.abs(actual.score - member.score) > PUBLISHED_TOLERANCE) {
      differences.push(`${personId}: published score ${actual.score}, expected ${member.score}`);
    }
  }
  return differences;
}

function metricDifferences(
  label: string,
  actual: { confidence: number | null; cohesion: number | null },
  expected: Discovery,
  tolerance: number,
  stored: (value: number) => number,
): string[] {
  const differences: string[] = [];
  for (const metric of ['confidence', 'cohesion'] as const) {
    const value = actual[metric];
    const want = stored(expected[metric]);
    if (value === null || Math.abs(value - want) > tolerance) {
      differences.push(`${label} ${metric} ${value}, expected ${want}`);
    }
  }
  return differences;
}

/** Everything about one company's final group that disagrees with the recomputation. */
export function convergenceDifferences(state: CompanyFinalState, maxMembers: number): string[] {
  if (state.company === null) return ['no companies row'];
  if (state.newest === undefined) return ['no published generation'];
  const expected = expectedGroup(state, maxMembers);
  const record = state.newest.value;
  const differences = [
    ...publishedDifferences(expected, record.members).map((d) => `record: ${d}`),
    ...metricDifferences('record', record, expected, PUBLISHED_TOLERANCE, (v) => v),
  ];
  if (state.saved === null) return [...differences, 'no buyer_groups row'];
  if (state.saved.generation !== record.generation) {
    differences.push(
      `buyer_groups holds generation ${state.saved.generation}, newest published ${record.generation}`,
    );
  }
  differences.push(
    ...metricDifferences('buyer_groups', state.saved, expected, STORED_SCORE_TOLERANCE, clamp10),
    ...memberRowDifferences(expected.members, state.memberRows, 'expected').map(
      (d) => `members table: ${d}`,
    ),
  );
  return differences;
}

export function evaluateConvergence(
  states: readonly CompanyFinalState[],
  maxMembers: number,
): InvariantResult {
  const violations: Violation[] = [];
  for (const state of states) {
    const differences = convergenceDifferences(state, maxMembers);
    if (differences.length === 0) continue;
    const generation = state.newest?.value.generation;
    violations.push({
      invariant: NAME,
      companyId: state.companyId,
      detail: `final group${generation === undefined ? '' : ` (generation ${generation})`} differs from discovery of the final roster: ${differences.join('; ')}`,
    });
  }
  return { name: NAME, checked: states.length, violations };
}
