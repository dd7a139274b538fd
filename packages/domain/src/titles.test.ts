import { discoverBuyerGroup } from './discovery';
import type { BuyerGroupRole } from './roles';
import type { Company, Person } from './model';
import { seniorityFromColumn, type SeniorityLevel } from './seniority';
import { readTitle } from './titles';

const company: Company = {
  id: 'c-1',
  workspaceId: 'w-1',
  name: 'Acme',
  domain: null,
  industry: null,
  employeeCount: 500,
  status: 'active',
  updatedAt: null,
};

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

/**
 * The role a title earns at a company whose CEO is on the roster (so there is always a decision
 * maker, and a lone manager is not promoted to one), or null when it is left out.
 */
function roleOf(title: string | null, productCategory = 'software'): BuyerGroupRole | null {
  const discovery = discoverBuyerGroup({
    company,
    people: [person('ceo', 'Chief Executive Officer'), person('p', title)],
    target: { productCategory, targetDepartments: [] },
  });
  return discovery.members.find((member) => member.personId === 'p')?.role ?? null;
}

describe('roles from real-world titles', () => {
  it.each<[string | null, string, BuyerGroupRole | null]>([
    // Selling software (engineering, IT, product).
    ['Co-Founder & CEO', 'software', 'decision_maker'],
    ['CTO', 'software', 'decision_maker'],
    ['Chief Technology Officer', 'software', 'decision_maker'],
    ['VP Eng', 'software', 'decision_maker'],
    ['Vice President of Engineering', 'software', 'decision_maker'],
    ['Director of Engineering', 'software', 'decision_maker'],
    ['Diretor de Tecnologia', 'software', 'decision_maker'],
    ['Engineering Manager', 'software', 'champion'],
    ['Gerente de TI', 'software', 'champion'],
    ['Team Lead, Platform', 'software', 'champion'],
    ['Staff Engineer', 'software', 'technical_evaluator'],
    ['Principal Architect', 'software', 'technical_evaluator'],
    ['Senior Software Engineer', 'software', 'technical_evaluator'],
    ['Sr. DevOps Engineer', 'software', 'technical_evaluator'],
    ['Software Engineer', 'software', 'end_user'],
    ['Junior Developer', 'software', 'end_user'],
    ['Product Manager', 'software', 'influencer'],
    ['Head of Procurement', 'software', 'blocker'],
    ['Responsable des achats', 'software', 'blocker'],
    ['Leiter Einkauf', 'software', 'blocker'],
    ['Einkaufsleiter', 'software', 'blocker'],
    ['Jefe de Compras', 'software', 'blocker'],
    ['Procurement Specialist', 'software', 'blocker'],
    ['General Counsel', 'software', 'blocker'],
    ['Directora Jurídica', 'software', 'blocker'],
    ['CFO', 'software', 'blocker'],
    ['Sr. Director, IT Security', 'software', 'blocker'],
    ['Data Protection Officer', 'software', 'blocker'],
    ['Chief of Staff to the CEO', 'software', 'influencer'],
    ['VP Marketing', 'software', 'influencer'],
    ['SVP, Revenue Operations', 'software', 'influencer'],
    ['COO', 'software', 'influencer'],
    ['Head of Data', 'software', 'influencer'],
    ['Intern', 'software', null],
    ['Software Engineering Intern', 'software', null],
    ['Praktikant Softwareentwicklung', 'software', null],
    ['Executive Assistant to the CEO', 'software', null],
    ['Marketing Coordinator', 'software', null],
    ['Account Executive', 'software', null],
    ['???', 'software', null],
    ['asdf', 'software', null],
    ['-', 'software', null],
    ['', 'software', null],
    [null, 'software', null],
    // Selling security.
    ['Sr. Director, IT Security', 'security', 'decision_maker'],
    ['CISO', 'security', 'decision_maker'],
    ['Deputy CISO', 'security', 'decision_maker'],
    ['Leiterin IT-Sicherheit', 'security', 'decision_maker'],
    ['Responsable Sécurité des Systèmes d’Information', 'security', 'champion'],
    ['Security Analyst', 'security', 'end_user'],
    ['Senior Security Engineer', 'security', 'technical_evaluator'],
    ['CFO', 'security', 'blocker'],
    // Selling to sales teams.
    ['SVP, Revenue Operations', 'sales', 'decision_maker'],
    ['Chief Revenue Officer', 'sales', 'decision_maker'],
    ['Directeur Commercial', 'sales', 'decision_maker'],
    ['Sales Operations Manager', 'sales', 'technical_evaluator'],
    ['Account Executive', 'sales', 'end_user'],
    ['IT Manager', 'sales', 'technical_evaluator'],
    // Selling to marketing, HR, finance, data teams.
    ['VP Marketing', 'marketing', 'decision_maker'],
    ['Marketing Operations Manager', 'marketing', 'technical_evaluator'],
    ['Marketing Coordinator', 'marketing', 'end_user'],
    ['CTO', 'marketing', 'influencer'],
    ['Chief People Officer', 'hr', 'decision_maker'],
    ['HRIS Analyst', 'hr', 'technical_evaluator'],
    ['CFO', 'finance', 'decision_maker'],
    ['Head of Procurement', 'finance', 'blocker'],
    ['Head of Data', 'data', 'decision_maker'],
    ['Staff Data Scientist', 'data', 'technical_evaluator'],
  ])('%j selling %s → %s', (title, category, role) => {
    expect(roleOf(title, category)).toBe(role);
  });
});

describe('readTitle', () => {
  it.each<[string, SeniorityLevel | null, string[]]>([
    ['SVP, Revenue Operations', 'vp', ['revenue_operations', 'operations']],
    ['Sr. Director, IT Security', 'director', ['security']],
    ['Chief of Staff to the CEO', 'director', ['executive']],
    ['Co-Founder & CEO', 'c_level', ['executive']],
    ['Co-Founder & CTO', 'c_level', ['executive', 'engineering']],
    ['Head of Procurement', 'director', ['procurement']],
    ['Directeur Commercial', 'director', ['sales']],
    ['Responsable des achats', 'manager', ['procurement']],
    ['Leiter Einkauf', 'director', ['procurement']],
    ['Jefe de Compras', 'director', ['procurement']],
    ['Gerente de TI', 'manager', ['it']],
    ['Gerente General', 'c_level', ['executive']],
    ['Geschäftsführer', 'c_level', ['executive']],
    ['Assistant Vice President, Engineering', 'director', ['engineering']],
    ['Associate General Counsel', 'director', ['legal']],
    ['Senior Product Manager', 'senior', ['product']],
    ['Staff Accountant', 'mid', ['finance']],
    ['Chief Architect', 'vp', ['engineering']],
    ['Product Marketing Manager', 'manager', ['marketing']],
    ['Media Buyer', 'mid', ['marketing']],
    ['???', null, []],
  ])('%j reads as %s in %j', (title, level, areas) => {
    const reading = readTitle(title);
    expect(reading.level).toBe(level);
    expect(reading.areas).toEqual(areas);
    expect(reading.recognised).toBe(level !== null || areas.length > 0);
  });

  it('flags work for an executive apart from heading a function', () => {
    expect(readTitle('Chief of Staff to the CEO')).toMatchObject({
      chiefOfStaff: true,
      supportsExecutive: true,
    });
    expect(readTitle('CEO')).toMatchObject({ chiefOfStaff: false, supportsExecutive: false });
  });

  it.each(['', '   ', '???', '-', 'asdf', '\u0000\n\t', '🚀🚀🚀', 'x'.repeat(10_000)])(
    'survives %j',
    (title) => {
      expect(readTitle(title).recognised).toBe(false);
    },
  );
});

describe('seniorityFromColumn', () => {
  it.each<[string | null, SeniorityLevel | null]>([
    ['c_level', 'c_level'],
    ['C-Level', 'c_level'],
    ['executive', 'c_level'],
    ['vp', 'vp'],
    ['Vice President', 'vp'],
    ['director', 'director'],
    ['Head', 'director'],
    ['manager', 'manager'],
    ['senior', 'senior'],
    ['mid', 'mid'],
    ['entry', 'entry'],
    ['Junior', 'entry'],
    ['intern', 'intern'],
    ['Senior Director', 'director'],
    ['somewhere in the middle', null],
    ['', null],
    [null, null],
  ])('%j → %s', (value, level) => {
    expect(seniorityFromColumn(value)).toBe(level);
  });
});
