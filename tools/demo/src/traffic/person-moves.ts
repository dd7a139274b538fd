/**
 * What can happen to one person next, given where they stand: another title at their level, a
 * promotion, another department, another company, or a new colleague. Each answer differs from
 * the current row in a way that matters (never "VP Engineering" → "VP of Engineering").
 */
import { CompanyNamer } from '../dataset/people-names';
import {
  DEPARTMENTS,
  SENIORITIES,
  TITLES,
  isDepartment,
  isSeniority,
  titleOptions,
  type Department,
  type DepartmentSeniority,
} from '../dataset/titles';
import type { Random } from '../random';
import type { CompanyState, PersonState, Workforce } from './workforce';

/** 0 for the C-suite, 5 for entry level; an unknown seniority counts as entry level. */
export const rank = (seniority: string | null): number =>
  isSeniority(seniority) ? SENIORITIES.indexOf(seniority) : SENIORITIES.length - 1;

/** The catalogue cell a person's row sits in, when it is one the catalogue knows. */
function cellOf(
  person: PersonState,
): { department: Department; seniority: DepartmentSeniority } | undefined {
  if (!isDepartment(person.department) || !isSeniority(person.seniority)) return undefined;
  if (person.seniority === 'c_level') return undefined;
  return { department: person.department, seniority: person.seniority };
}

export function anotherTitle(random: Random, person: PersonState): string | undefined {
  const cell = cellOf(person);
  if (!cell) return undefined;
  const options = titleOptions(cell.department, cell.seniority, person.jobTitle);
  return options.length > 0 ? random.pick(options) : undefined;
}

/** One level up (entry → senior → manager → director → vp), with a title of that level. */
export function promotion(
  random: Random,
  person: PersonState,
): { seniority: DepartmentSeniority; jobTitle: string } | undefined {
  const cell = cellOf(person);
  if (!cell || cell.seniority === 'vp') return undefined;
  const seniority = SENIORITIES[rank(cell.seniority) - 1] as DepartmentSeniority;
  const options = titleOptions(cell.department, seniority, person.jobTitle);
  return options.length > 0 ? { seniority, jobTitle: random.pick(options) } : undefined;
}

/** Another department at the same level, with a title from there. */
export function departmentChange(
  random: Random,
  person: PersonState,
): { department: Department; jobTitle: string } | undefined {
  const cell = cellOf(person);
  if (!cell) return undefined;
  const department = random.pick(DEPARTMENTS.filter((d) => d !== cell.department));
  const options = titleOptions(department, cell.seniority, person.jobTitle);
  return options.length > 0 ? { department, jobTitle: random.pick(options) } : undefined;
}

/**
 * Whom a newcomer at `companyId` reports to: the active manager (or more senior) of the
 * department who is closest above them, or nobody when the department has no one above.
 * ICs manage nobody, which also keeps a hire whose insert is still in flight from being
 * chosen.
 */
export function managerFor(
  random: Random,
  workforce: Workforce,
  companyId: string,
  department: string | null,
  seniority: string | null,
  excludeId?: string,
): string | null {
  const above = workforce
    .peopleAt(companyId)
    .filter(
      (p) =>
        p.status === 'active' &&
        p.id !== excludeId &&
        p.department === department &&
        rank(p.seniority) <= rank('manager') &&
        rank(p.seniority) < rank(seniority),
    );
  if (above.length === 0) return null;
  const closest = Math.max(...above.map((p) => rank(p.seniority)));
  return random.pick(above.filter((p) => rank(p.seniority) === closest)).id;
}

/** Another company of the same workspace (a person moves between a workspace's accounts). */
export function anotherCompany(
  random: Random,
  workforce: Workforce,
  companyId: string,
): CompanyState | undefined {
  const workspaceId = workforce.company(companyId)?.workspaceId;
  const options = workforce.companies.filter(
    (c) => c.workspaceId === workspaceId && c.id !== companyId,
  );
  return options.length > 0 ? random.pick(options) : undefined;
}

/** A new person at `company`: an IC in a department that has someone to report to. */
export function newHire(
  random: Random,
  workforce: Workforce,
  company: CompanyState,
): PersonState | undefined {
  const staff = workforce.peopleAt(company.id);
  const departments = DEPARTMENTS.filter((department) =>
    staff.some(
      (p) =>
        p.status === 'active' &&
        p.department === department &&
        rank(p.seniority) <= rank('manager'),
    ),
  );
  if (departments.length === 0) return undefined;
  const department = random.pick(departments);
  const seniority: DepartmentSeniority = random.chance(0.35) ? 'senior' : 'entry';
  const domain = company.domain ?? `${company.id}.example`;
  const emails = staff.flatMap((p) => (p.email === null ? [] : [p.email]));
  const { fullName, email } = new CompanyNamer(random, domain, emails).next();
  return {
    id: workforce.nextPersonId(company.id),
    companyId: company.id,
    fullName,
    email,
    jobTitle: random.pick(TITLES[department][seniority]),
    department,
    seniority,
    managerId: managerFor(random, workforce, company.id, department, seniority),
    status: 'active',
  };
}
