import type { Company, Observation, Person } from '@bgs/domain';
import { clamp10, type MemberRow } from '../records';
import { groupState, published } from '../records.fixture';
import {
  convergenceDifferences,
  evaluateConvergence,
  expectedGroup,
  type CompanyFinalState,
} from './convergence';

const company = (id: string): Company => ({
  id,
  workspaceId: 'w1',
  name: id,
  domain: null,
  industry: null,
  employeeCount: 200,
  status: 'active',
  updatedAt: null,
});

const person = (id: string, jobTitle: string, extra: Partial<Person> = {}): Person => ({
  id,
  companyId: 'c1',
  fullName: `Person ${id}`,
  email: null,
  jobTitle,
  department: 'engineering',
  seniority: null,
  managerId: null,
  status: 'active',
  updatedAt: null,
  ...extra,
});

const ROSTER = [
  person('ceo', 'Chief Executive Officer', { department: 'executive' }),
  person('cto', 'Chief Technology Officer', { managerId: 'ceo' }),
  person('vpe', 'VP Engineering', { managerId: 'cto' }),
  person('sec', 'Director of IT Security', { managerId: 'cto', department: 'security' }),
  person('proc', 'Head of Procurement', { managerId: 'ceo', department: 'procurement' }),
];

const TARGET = { productCategory: 'software', targetDepartments: ['engineering', 'security'] };

/** A company whose saved group is exactly what discovery makes of its roster. */
function converged(extra: Partial<CompanyFinalState> = {}): CompanyFinalState {
  const base: CompanyFinalState = {
    companyId: 'c1',
    company: company('c1'),
    target: TARGET,
    people: ROSTER,
    observations: [],
    upstreamChangedAt: new Map(),
    saved: null,
    memberRows: [],
    newest: undefined,
    ...extra,
  };
  const discovery = expectedGroup(base, 12);
  const members = discovery.members.map((m) => ({ ...m, enrichment: null, research: null }));
  const record = groupState('c1', 40, { ...discovery, members });
  const rows: MemberRow[] = members.map((m) => ({
    companyId: 'c1',
    personId: m.personId,
    role: m.role,
    score: clamp10(m.score),
  }));
  return {
    ...base,
    newest: published(record, 2, 77),
    saved: {
      companyId: 'c1',
      generation: 40,
      confidence: clamp10(discovery.confidence),
      cohesion: clamp10(discovery.cohesion),
    },
    memberRows: rows,
  };
}

describe('convergenceDifferences', () => {
  it('finds nothing when the saved group is discovery of the final roster', () => {
    expect(converged().newest?.value.members.length).toBeGreaterThan(2);
    expect(convergenceDifferences(converged(), 12)).toEqual([]);
  });

  it('reports a saved group discovered from a roster before the last change', () => {
    const stale = converged();
    const promoted = ROSTER.map((p) =>
      p.id === 'proc' ? { ...p, jobTitle: 'Software Engineer', department: 'engineering' } : p,
    );
    const differences = convergenceDifferences({ ...stale, people: promoted }, 12);
    expect(differences.length).toBeGreaterThan(0);
    expect(differences.join('; ')).toContain('proc');
  });

  it('applies a newer observation as the refresher does', () => {
    const observed: Observation = {
      personId: 'vpe',
      field: 'company',
      value: 'c2',
      source: 'demo',
      eventId: 'e1',
      occurredAt: 2_000,
      receivedAt: 2_000,
    };
    const state = converged();
    const differences = convergenceDifferences(
      { ...state, observations: [observed], upstreamChangedAt: new Map([['vpe', 1_000]]) },
      12,
    );
    expect(differences).toContain('record: published but not expected: vpe');
  });

  it('reports a buyer_groups row behind the newest generation and a missing member row', () => {
    const state = converged();
    const saved = { ...(state.saved as NonNullable<CompanyFinalState['saved']>), generation: 39 };
    const differences = convergenceDifferences(
      { ...state, saved, memberRows: state.memberRows.slice(1) },
      12,
    );
    expect(differences).toEqual([
      'buyer_groups holds generation 39, newest published 40',
      `members table: missing from the table: ${state.memberRows[0]?.personId}`,
    ]);
  });

  it('reports a company without a companies row or without a published generation', () => {
    expect(convergenceDifferences({ ...converged(), company: null }, 12)).toEqual([
      'no companies row',
    ]);
    expect(convergenceDifferences({ ...converged(), newest: undefined }, 12)).toEqual([
      'no published generation',
    ]);
  });
});

describe('evaluateConvergence', () => {
  it('counts each company once and names the one that differs', () => {
    const moved = { ...converged(), companyId: 'c1', people: ROSTER.slice(0, 2) };
    const result = evaluateConvergence([converged(), moved], 12);
    expect(result.checked).toBe(2);
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.detail).toContain('generation 40');
  });
});
