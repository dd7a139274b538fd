/**
 * One company's org chart: a CEO at the root, a C-suite under them, a head per department under
 * the executive who owns it, then directors, managers and individual contributors. Every
 * manager_id points at someone of the same company who comes earlier in the list, so the
 * chart is a tree and can be inserted in order.
 */
import type { Random } from '../random';
import { CompanyNamer } from './people-names';
import type { CompanyRow, PersonRow } from './rows';
import {
  CHIEF_OF_STAFF_TITLE,
  DEPARTMENTS,
  EXECUTIVES,
  TITLES,
  type Department,
  type DepartmentSeniority,
  type Executive,
  type Seniority,
} from './titles';

export const MIN_PEOPLE_PER_COMPANY = 15;
export const MAX_PEOPLE_PER_COMPANY = 60;

/** How likely each optional executive is; the CEO, CTO and CFO are always there. */
const OPTIONAL_EXECUTIVES: readonly (readonly [Executive, number])[] = [
  ['cro', 0.7],
  ['cmo', 0.5],
  ['ciso', 0.4],
  ['coo', 0.3],
  ['cpo', 0.25],
  ['cio', 0.2],
];

/** Who a department head reports to, first present wins; the CEO otherwise. */
const DEPARTMENT_OWNERS: Readonly<Record<Department, readonly Executive[]>> = {
  engineering: ['cto'],
  it: ['cio', 'cto'],
  security: ['ciso', 'cio', 'cto'],
  data: ['cto'],
  product: ['cpo', 'cto'],
  sales: ['cro'],
  marketing: ['cmo', 'cro'],
  finance: ['cfo'],
  procurement: ['coo', 'cfo'],
  legal: [],
  hr: ['coo'],
  operations: ['coo'],
};

/** Relative headcount of a department below its head. */
const DEPARTMENT_WEIGHTS: Readonly<Record<Department, number>> = {
  engineering: 5,
  sales: 4,
  it: 2,
  security: 2,
  marketing: 2,
  product: 2,
  data: 2,
  operations: 2,
  finance: 1.5,
  procurement: 1,
  legal: 1,
  hr: 1,
};

const ALWAYS_PRESENT: readonly Department[] = ['engineering', 'sales', 'finance'];

/** Reports per manager before another manager is needed. */
const SPAN_OF_CONTROL = 6;

class ChartBuilder {
  readonly people: PersonRow[] = [];

  constructor(
    private readonly company: CompanyRow,
    private readonly companyNumber: string,
    private readonly namer: CompanyNamer,
  ) {}

  add(
    jobTitle: string,
    department: Department,
    seniority: Seniority,
    managerId: string | null,
  ): string {
    const id = `p-${this.companyNumber}-${String(this.people.length + 1).padStart(3, '0')}`;
    this.people.push({
      id,
      companyId: this.company.id,
      ...this.namer.next(),
      jobTitle,
      department,
      seniority,
      managerId,
      status: 'active',
    });
    return id;
  }
}

function chooseExecutives(random: Random): Executive[] {
  const chosen: Executive[] = ['ceo', 'cto', 'cfo'];
  for (const [executive, probability] of OPTIONAL_EXECUTIVES) {
    if (random.chance(probability)) chosen.push(executive);
  }
  // Someone has to own revenue.
  if (!chosen.includes('cro') && !chosen.includes('cmo')) chosen.push('cro');
  return chosen;
}

function chooseDepartments(random: Random, executives: readonly Executive[], size: number) {
  const present = new Set<Department>(ALWAYS_PRESENT);
  for (const executive of executives) present.add(EXECUTIVES[executive].department);
  // Roughly one department per five people, never fewer than the executives imply.
  const wanted = Math.min(DEPARTMENTS.length, Math.max(present.size, Math.round(size / 5)));
  const others = DEPARTMENTS.filter((department) => !present.has(department));
  while (present.size < wanted && others.length > 0) {
    const index = random.int(0, others.length - 1);
    present.add(others.splice(index, 1)[0] as Department);
  }
  // Catalogue order, so the chart does not depend on the order departments were drawn in.
  return DEPARTMENTS.filter((department) => present.has(department));
}

/** Headcount below each head: `remaining` people spread by department weight. */
function spreadHeadcount(
  random: Random,
  departments: readonly Department[],
  remaining: number,
): Map<Department, number> {
  const counts = new Map<Department, number>(departments.map((department) => [department, 0]));
  const weights = departments.map((department): [Department, number] => [
    department,
    DEPARTMENT_WEIGHTS[department],
  ]);
  for (let i = 0; i < remaining; i++) {
    const department = random.weighted(weights);
    counts.set(department, (counts.get(department) ?? 0) + 1);
  }
  return counts;
}

/** A director when the department is big, managers for every few people, then the ICs. */
function staffDepartment(
  chart: ChartBuilder,
  random: Random,
  department: Department,
  head: { readonly id: string; readonly seniority: Seniority },
  headcount: number,
): void {
  const title = (seniority: DepartmentSeniority): string =>
    random.pick(TITLES[department][seniority]);
  let left = headcount;
  let managersReportTo = head.id;
  // A director between a VP and the managers of a big department; a director head has none.
  if (left >= 10 && head.seniority === 'vp') {
    managersReportTo = chart.add(title('director'), department, 'director', head.id);
    left -= 1;
  }
  const managerCount = left >= 4 ? Math.ceil(left / (SPAN_OF_CONTROL + 1)) : 0;
  const managers: string[] = [];
  for (let i = 0; i < managerCount; i++) {
    managers.push(chart.add(title('manager'), department, 'manager', managersReportTo));
  }
  left -= managerCount;
  const leads = managers.length > 0 ? managers : [head.id];
  for (let i = 0; i < left; i++) {
    const seniority = random.chance(0.4) ? 'senior' : 'entry';
    chart.add(title(seniority), department, seniority, leads[i % leads.length] as string);
  }
}

export function generateOrgChart(random: Random, company: CompanyRow): PersonRow[] {
  const companyNumber = company.id.replace(/^co-/, '');
  const chart = new ChartBuilder(company, companyNumber, new CompanyNamer(random, company.domain));
  const size = random.int(MIN_PEOPLE_PER_COMPANY, MAX_PEOPLE_PER_COMPANY);

  const executives = chooseExecutives(random);
  const executiveIds = new Map<Executive, string>();
  const ceoId = chart.add(random.pick(EXECUTIVES.ceo.titles), 'operations', 'c_level', null);
  executiveIds.set('ceo', ceoId);
  if (random.chance(0.35)) chart.add(CHIEF_OF_STAFF_TITLE, 'operations', 'director', ceoId);
  for (const executive of executives) {
    if (executive === 'ceo') continue;
    const { department, titles } = EXECUTIVES[executive];
    executiveIds.set(executive, chart.add(random.pick(titles), department, 'c_level', ceoId));
  }

  const departments = chooseDepartments(random, executives, size);
  const heads = new Map<Department, { id: string; seniority: Seniority }>();
  for (const department of departments) {
    const owner = DEPARTMENT_OWNERS[department].find((executive) => executiveIds.has(executive));
    const reportsTo = executiveIds.get(owner ?? 'ceo') ?? ceoId;
    // Big companies have VPs; smaller ones a "Head of" or director.
    const seniority = random.chance(size >= 35 ? 0.7 : 0.3) ? 'vp' : 'director';
    const title = random.pick(TITLES[department][seniority]);
    heads.set(department, { id: chart.add(title, department, seniority, reportsTo), seniority });
  }

  const remaining = Math.max(0, size - chart.people.length);
  const headcount = spreadHeadcount(random, departments, remaining);
  for (const department of departments) {
    const head = heads.get(department);
    if (head) staffDepartment(chart, random, department, head, headcount.get(department) ?? 0);
  }
  return chart.people;
}
