import fc from 'fast-check';
import { discoverBuyerGroup, type DiscoveryInput } from './discovery';
import type { Company, Discovery, Person, WorkspaceTarget } from './model';

const company: Company = {
  id: 'c-1',
  workspaceId: 'w-1',
  name: 'Acme',
  domain: 'acme.example',
  industry: 'Software',
  employeeCount: 800,
  status: 'active',
  updatedAt: null,
};

const SOFTWARE: WorkspaceTarget = { productCategory: 'software', targetDepartments: [] };

const person = (id: string, jobTitle: string | null, extra: Partial<Person> = {}): Person => ({
  id,
  companyId: 'c-1',
  fullName: `Person ${id}`,
  email: null,
  jobTitle,
  department: null,
  seniority: null,
  managerId: null,
  status: 'active',
  updatedAt: null,
  ...extra,
});

/** A mid-sized company's roster: an engineering line, gatekeepers, outsiders and noise. */
const ROSTER: readonly Person[] = [
  person('ceo', 'Co-Founder & CEO'),
  person('cos', 'Chief of Staff to the CEO', { managerId: 'ceo', seniority: 'c_level' }),
  person('cto', 'CTO', { managerId: 'ceo', department: 'Engineering' }),
  person('vpe', 'VP Eng', { managerId: 'cto', department: 'Engineering' }),
  person('em1', 'Engineering Manager', { managerId: 'vpe', department: 'Engineering' }),
  person('em2', 'Engineering Manager', { managerId: 'vpe', department: 'Engineering' }),
  person('staff', 'Staff Engineer', { managerId: 'em1', department: 'Engineering' }),
  person('arch', 'Principal Architect', { managerId: 'cto', department: 'Engineering' }),
  person('swe1', 'Software Engineer', { managerId: 'em1', department: 'Engineering' }),
  person('swe2', 'Software Engineer', { managerId: 'em2', department: 'Engineering' }),
  person('intern', 'Intern', { managerId: 'em2', department: 'Engineering' }),
  person('itm', 'Gerente de TI', { managerId: 'cto', department: 'IT' }),
  person('pm', 'Senior Product Manager', { managerId: 'cto', department: 'Product' }),
  person('cfo', 'CFO', { managerId: 'ceo', department: 'Finance' }),
  person('gc', 'General Counsel', { managerId: 'ceo', department: 'Legal' }),
  person('proc', 'Procurement Specialist', { department: 'Procurement' }),
  person('sec', 'Sr. Director, IT Security', { managerId: 'cto' }),
  person('vpm', 'VP Marketing', { managerId: 'ceo', department: 'Marketing' }),
  person('mkt', 'Marketing Coordinator', { managerId: 'vpm', department: 'Marketing' }),
  person('gone', 'VP Engineering', { status: 'left', department: 'Engineering' }),
  person('junk1', '???'),
  person('junk2', 'asdf'),
  person('junk3', '-'),
  person('other', 'CTO', { companyId: 'c-2' }),
];

const discover = (overrides: Partial<DiscoveryInput> = {}): Discovery =>
  discoverBuyerGroup({ company, people: ROSTER, target: SOFTWARE, ...overrides });

const ids = (discovery: Discovery) => discovery.members.map((member) => member.personId);
const roleOf = (discovery: Discovery, personId: string) =>
  discovery.members.find((member) => member.personId === personId)?.role;
const hasTwoDecimals = (value: number) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9;

describe('discoverBuyerGroup', () => {
  it('finds the group of a software purchase, best first', () => {
    const discovery = discover({ maxMembers: 100 });
    expect(discovery.members.slice(0, 3).map((m) => [m.personId, m.role])).toEqual([
      ['cto', 'decision_maker'],
      ['vpe', 'decision_maker'],
      ['ceo', 'decision_maker'],
    ]);
    expect(roleOf(discovery, 'em1')).toBe('champion');
    expect(roleOf(discovery, 'staff')).toBe('technical_evaluator');
    expect(roleOf(discovery, 'cfo')).toBe('blocker');
    expect(roleOf(discovery, 'proc')).toBe('blocker');
    expect(roleOf(discovery, 'cos')).toBe('influencer');
    expect(roleOf(discovery, 'swe1')).toBe('end_user');
  });

  it('promotes a person whose row now says CIO, as the stack tests expect', () => {
    const seed = [
      person('ceo', 'Chief Executive Officer', { department: 'executive', seniority: 'c_level' }),
      person('cto', 'Chief Technology Officer', {
        department: 'engineering',
        seniority: 'c_level',
        managerId: 'ceo',
      }),
      person('vpe', 'VP Engineering', {
        department: 'engineering',
        seniority: 'vp',
        managerId: 'cto',
      }),
      person('ops', 'Marketing Coordinator', {
        department: 'marketing',
        seniority: 'entry',
        managerId: 'ceo',
      }),
    ];
    const target = { productCategory: 'software', targetDepartments: ['engineering', 'it'] };
    const before = discover({ people: seed, target });
    expect(roleOf(before, 'ops')).toBeUndefined();
    expect(roleOf(before, 'vpe')).toBe('decision_maker');
    const promoted = seed.map((p) =>
      p.id === 'ops'
        ? { ...p, jobTitle: 'Chief Information Officer', department: 'it', seniority: 'c_level' }
        : p,
    );
    expect(roleOf(discover({ people: promoted, target }), 'ops')).toBe('decision_maker');
  });

  it('leaves out people who left, interns, unreadable titles and other companies', () => {
    const members = ids(discover({ maxMembers: 100 }));
    for (const absent of ['gone', 'intern', 'junk1', 'junk2', 'junk3', 'other']) {
      expect(members).not.toContain(absent);
    }
  });

  it('sorts by score, then by person id', () => {
    const { members } = discover({ maxMembers: 100 });
    for (let i = 1; i < members.length; i += 1) {
      const [a, b] = [members[i - 1], members[i]] as const;
      expect(
        a && b && (a.score > b.score || (a.score === b.score && a.personId < b.personId)),
      ).toBe(true);
    }
    const twins = discoverBuyerGroup({
      company,
      people: [person('b', 'Staff Engineer'), person('a', 'Staff Engineer'), person('ceo', 'CEO')],
      target: SOFTWARE,
    });
    expect(ids(twins).filter((id) => id !== 'ceo')).toEqual(['a', 'b']);
  });

  it('gives the same group whatever order the people come in', () => {
    const expected = discover();
    fc.assert(
      fc.property(fc.shuffledSubarray([...ROSTER], { minLength: ROSTER.length }), (people) => {
        expect(discover({ people })).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('gives the same group when a row arrives twice', () => {
    const first = ROSTER[0] as Person;
    expect(discover({ people: [...ROSTER, first] })).toEqual(discover());
  });

  it('keeps at most maxMembers, twelve by default', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      person(`e${String(i).padStart(2, '0')}`, 'Senior Software Engineer'),
    );
    expect(discover({ people: many }).members).toHaveLength(12);
    expect(discover({ people: many, maxMembers: 5 }).members).toHaveLength(5);
    expect(discover({ people: many, maxMembers: 0 }).members).toHaveLength(0);
  });

  it('keeps the top decision maker and the top blocker even when they would be cut', () => {
    const people = [
      person('dm', 'Engineering Manager', { department: 'Engineering' }),
      person('gate', 'Procurement Assistant', { department: 'Procurement' }),
      ...Array.from({ length: 6 }, (_, i) =>
        person(`ev${i}`, 'Principal Engineer', { department: 'Engineering', managerId: 'dm' }),
      ),
    ];
    const uncut = discover({ people, maxMembers: 100 });
    expect(roleOf(uncut, 'dm')).toBe('decision_maker');
    expect(ids(uncut).indexOf('gate')).toBe(uncut.members.length - 1);

    const cut = discover({ people, maxMembers: 3 });
    expect(cut.members).toHaveLength(3);
    expect(ids(cut)).toEqual(expect.arrayContaining(['dm', 'gate']));
    expect(cut.members.map((m) => m.role)).toEqual(
      expect.arrayContaining(['decision_maker', 'technical_evaluator', 'blocker']),
    );
  });

  it('keeps a champion and a technical evaluator before a crowd of executives', () => {
    const people = [
      person('cto', 'CTO'),
      ...['CFO', 'CISO', 'Chief Legal Officer', 'Chief Procurement Officer'].map((title, i) =>
        person(`gate${i}`, title),
      ),
      person('em', 'Engineering Manager', { department: 'Engineering' }),
      person('staff', 'Staff Engineer', { department: 'Engineering' }),
    ];
    const uncut = discover({ people, maxMembers: 100 });
    expect(ids(uncut).slice(-2).sort()).toEqual(['em', 'staff']);
    const cut = discover({ people, maxMembers: 4 });
    expect(cut.members.map((m) => m.role).sort()).toEqual([
      'blocker',
      'champion',
      'decision_maker',
      'technical_evaluator',
    ]);
  });

  it('scores every member between 0 and 10 with two decimals, with a one-line rationale', () => {
    const messy = [
      ...ROSTER,
      person('nl', 'Head of\nEngineering', { department: 'Engineering\r\nPlatform' }),
      person('long', 'Senior '.repeat(200) + 'Engineer', { department: 'x'.repeat(500) }),
      person('blank', '   ', { department: 'Engineering' }),
    ];
    for (const target of [SOFTWARE, { productCategory: 'marketing', targetDepartments: [] }]) {
      const { members } = discover({ people: messy, target, maxMembers: 100 });
      expect(members.length).toBeGreaterThan(5);
      for (const member of members) {
        expect(member.score).toBeGreaterThanOrEqual(0);
        expect(member.score).toBeLessThanOrEqual(10);
        expect(hasTwoDecimals(member.score)).toBe(true);
        expect(member.rationale).not.toMatch(/[\r\n]/);
        expect(member.rationale.length).toBeGreaterThan(10);
        expect(member.rationale.length).toBeLessThanOrEqual(160);
      }
    }
  });

  it('explains members in words a salesperson can use', () => {
    const { members } = discover({ maxMembers: 100 });
    const rationale = (id: string) => members.find((m) => m.personId === id)?.rationale;
    expect(rationale('cto')).toBe(
      'C-level in Engineering, a target department; heads the reporting line',
    );
    expect(rationale('em1')).toBe(
      'Manager-level in Engineering, a target department; reports directly to a decision maker',
    );
    expect(rationale('cfo')).toBe(
      'C-level in Finance, a gatekeeping function; can block or delay the purchase',
    );
  });

  it('gives a target-area title with no seniority a low score, not a crash', () => {
    const discovery = discover({
      people: [person('ceo', 'CEO'), person('q', '???', { department: 'Engineering' })],
    });
    const member = discovery.members.find((m) => m.personId === 'q');
    expect(member?.role).toBe('end_user');
    expect(member?.score).toBeLessThan(3);
    expect(member?.rationale).toContain('title unclear');
  });

  it('makes a senior IC reporting straight to a target decision maker a champion', () => {
    const withLine = discover({
      people: [
        person('vp', 'VP Product', { department: 'Product' }),
        person('pm', 'Senior Product Manager', { department: 'Product', managerId: 'vp' }),
      ],
    });
    const withoutLine = discover({
      people: [
        person('vp', 'VP Product', { department: 'Product' }),
        person('pm', 'Senior Product Manager', { department: 'Product' }),
      ],
    });
    expect(roleOf(withLine, 'pm')).toBe('champion');
    expect(roleOf(withoutLine, 'pm')).toBe('influencer');
  });

  it('makes the head of a target line the decision maker when no VP is above', () => {
    const people = [
      person('dir', 'Director of Engineering', { department: 'Engineering' }),
      person('dir2', 'Director of Engineering', { department: 'Engineering', managerId: 'dir' }),
      person('eng', 'Software Engineer', { department: 'Engineering', managerId: 'dir2' }),
    ];
    const discovery = discover({ people });
    expect(roleOf(discovery, 'dir')).toBe('decision_maker');
    expect(roleOf(discovery, 'dir2')).toBe('champion');
  });

  it('without executives, makes the manager heading the largest target line decide', () => {
    const people = [
      person('m-a', 'Engineering Manager', { department: 'Engineering' }),
      person('m-b', 'Engineering Manager', { department: 'Engineering' }),
      person('e-1', 'Software Engineer', { department: 'Engineering', managerId: 'm-b' }),
      person('e-2', 'Software Engineer', { department: 'Engineering', managerId: 'm-b' }),
    ];
    const discovery = discover({ people });
    expect(roleOf(discovery, 'm-b')).toBe('decision_maker');
    expect(roleOf(discovery, 'm-a')).toBe('champion');
    const withCeo = discover({ people: [...people, person('ceo', 'Founder')] });
    expect(roleOf(withCeo, 'm-b')).toBe('champion');
  });

  it('reads seniority from the column when the title is missing', () => {
    const discovery = discover({
      people: [
        person('a', null, { department: 'Engineering', seniority: 'c_level' }),
        person('b', null, { department: 'Engineering', seniority: 'Senior Manager' }),
      ],
    });
    expect(roleOf(discovery, 'a')).toBe('decision_maker');
    expect(roleOf(discovery, 'b')).toBe('champion');
  });

  it('does not take a chief of staff for the chief, whatever the seniority column says', () => {
    expect(roleOf(discover({ maxMembers: 100 }), 'cos')).toBe('influencer');
  });

  it('infers target departments from the product category', () => {
    const people = [
      person('cpo', 'Chief People Officer'),
      person('cmo', 'CMO'),
      person('cto', 'CTO'),
    ];
    const decisionMakers = (productCategory: string) =>
      discover({ people, target: { productCategory, targetDepartments: [] } })
        .members.filter((m) => m.role === 'decision_maker')
        .map((m) => m.personId);
    expect(decisionMakers('hr')).toEqual(['cpo']);
    expect(decisionMakers('Marketing automation')).toEqual(['cmo']);
    expect(decisionMakers('software')).toEqual(['cto']);
    expect(decisionMakers('something new')).toEqual(['cto']);
  });

  it('honours named target departments, including ones it has no words for', () => {
    const people = [
      person('fac', 'Director', { department: 'Facilities' }),
      person('eng', 'Director of Engineering', { department: 'Engineering' }),
    ];
    const discovery = discover({
      people,
      target: { productCategory: 'software', targetDepartments: ['Facilities'] },
    });
    expect(roleOf(discovery, 'fac')).toBe('decision_maker');
    // Engineering is no longer the buyer, only the one who checks the technical fit.
    expect(roleOf(discovery, 'eng')).toBe('technical_evaluator');
  });

  it('weighs a CEO by company size', () => {
    const people = [person('ceo', 'CEO'), person('cto', 'CTO')];
    const ceoScore = (employeeCount: number) =>
      discover({ company: { ...company, employeeCount }, people }).members.find(
        (m) => m.personId === 'ceo',
      )?.score ?? 0;
    expect(ceoScore(40)).toBeGreaterThan(ceoScore(5000));
  });

  it('survives reporting lines that loop or point nowhere', () => {
    const people = [
      person('a', 'VP Engineering', { managerId: 'b' }),
      person('b', 'Director of Engineering', { managerId: 'a' }),
      person('c', 'Staff Engineer', { managerId: 'c' }),
      person('d', 'Engineering Manager', { managerId: 'nobody' }),
    ];
    const discovery = discover({ people });
    expect(ids(discovery).sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(discovery.cohesion).toBeGreaterThan(0);
  });

  it('discovers from the people alone when the company row is unknown', () => {
    const people = ROSTER.filter((p) => p.companyId === 'c-1');
    const withoutCompany = discover({ company: null, people, maxMembers: 100 });
    const withCompany = discover({ people, maxMembers: 100 });
    const roles = (d: Discovery) => d.members.map((m) => [m.personId, m.role]).sort();
    expect(roles(withoutCompany)).toEqual(roles(withCompany));
    expect(withoutCompany.members.length).toBeGreaterThan(5);
  });

  it.each<[string, Company | null, readonly Person[]]>([
    ['no company and no people', null, []],
    ['a company without people', company, []],
    ['a company of people who left', company, [person('x', 'CTO', { status: 'left' })]],
  ])('returns an empty group for %s', (_case, target, people) => {
    expect(discover({ company: target, people })).toEqual({
      members: [],
      confidence: 0,
      cohesion: 0,
    });
  });
});

describe('group confidence and cohesion', () => {
  it('stay between 0 and 10 with two decimals', () => {
    for (const maxMembers of [1, 2, 3, 5, 12, 100]) {
      const { confidence, cohesion } = discover({ maxMembers });
      for (const value of [confidence, cohesion]) {
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThanOrEqual(10);
        expect(hasTwoDecimals(value)).toBe(true);
      }
    }
  });

  it('trusts a group covering the key roles more than a tiny one', () => {
    const full = discover();
    const tiny = discover({ people: [person('cto', 'CTO')] });
    expect(full.confidence).toBeGreaterThan(8);
    expect(tiny.confidence).toBeLessThan(4);
    expect(full.confidence).toBeGreaterThan(tiny.confidence);
  });

  it('trusts a group without a decision maker or blocker less', () => {
    const evaluators = Array.from({ length: 5 }, (_, i) =>
      person(`e${i}`, 'Staff Engineer', { department: 'Engineering' }),
    );
    expect(discover({ people: evaluators }).confidence).toBeLessThan(discover().confidence);
  });

  it('is fully cohesive for one team in one line, and not at all for strangers', () => {
    const team = [
      person('lead', 'VP Engineering', { department: 'Engineering' }),
      person('m', 'Engineering Manager', { department: 'Engineering', managerId: 'lead' }),
      person('s', 'Staff Engineer', { department: 'Engineering', managerId: 'm' }),
    ];
    const strangers = [
      person('x', 'CTO', { department: 'Technology' }),
      person('y', 'Head of Procurement', { department: 'Purchasing' }),
      person('z', 'General Counsel', { department: 'Legal' }),
    ];
    expect(discover({ people: team }).cohesion).toBe(10);
    expect(discover({ people: strangers }).cohesion).toBe(0);
  });

  it('links a pair through a reporting line even across departments', () => {
    const people = [
      person('cto', 'CTO', { department: 'Technology' }),
      person('sec', 'Security Engineer', { department: 'Security', managerId: 'cto' }),
    ];
    expect(discover({ people }).cohesion).toBe(10);
  });
});
