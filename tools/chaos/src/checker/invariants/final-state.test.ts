import type { Company, Observation, Person } from '@bgs/domain';
import { DEFAULT_TARGET, assembleFinalStates } from './final-state';

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

const person = (id: string, companyId: string): Person => ({
  id,
  companyId,
  fullName: `Person ${id}`,
  email: null,
  jobTitle: 'CTO',
  department: null,
  seniority: null,
  managerId: null,
  status: 'active',
  updatedAt: null,
});

const TARGET = { productCategory: 'security', targetDepartments: ['security'] };

describe('assembleFinalStates', () => {
  it('gives each company its people, those reported moving in, and only their facts', () => {
    const own = [person('a', 'c1'), person('b', 'c1')];
    const arriving = person('new', 'c2');
    const observation: Observation = {
      personId: 'new',
      field: 'company',
      value: 'c1',
      source: 'demo',
      eventId: 'e1',
      occurredAt: 5,
      receivedAt: 5,
    };
    const [c1, c2] = assembleFinalStates(['c1', 'c2'], {
      companies: new Map([['c1', { company: company('c1'), target: TARGET }]]),
      people: [...own, arriving],
      observations: [observation],
      upstreamChangedAt: new Map([
        ['new', 1],
        ['a', 2],
      ]),
      saved: new Map(),
      memberRows: [{ companyId: 'c2', personId: 'x', role: 'champion', score: 1 }],
      newest: new Map(),
    });
    expect(c1?.people.map((p) => p.id)).toEqual(['a', 'b', 'new']);
    expect(c1?.target).toEqual(TARGET);
    expect(c1?.observations).toEqual([observation]);
    expect(c2?.people.map((p) => p.id)).toEqual(['new']);
    expect(c2?.company).toBeNull();
    expect(c2?.target).toEqual(DEFAULT_TARGET);
    expect([...(c2?.upstreamChangedAt.keys() ?? [])]).toEqual(['new']);
    expect(c2?.memberRows).toHaveLength(1);
  });
});
