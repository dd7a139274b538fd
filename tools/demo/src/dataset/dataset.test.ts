import { generateDataset, WORKSPACES } from './dataset';
import { MAX_PEOPLE_PER_COMPANY, MIN_PEOPLE_PER_COMPANY } from './org-chart';
import type { PersonRow } from './rows';
import { DEPARTMENTS, SENIORITIES } from './titles';

describe('generateDataset', () => {
  const dataset = generateDataset();

  it('gives the same dataset for the same seed, and another for another seed', () => {
    expect(generateDataset({ companies: 40, seed: 7 })).toEqual(
      generateDataset({ companies: 40, seed: 7 }),
    );
    expect(generateDataset({ companies: 40, seed: 8 }).people).not.toEqual(
      generateDataset({ companies: 40, seed: 7 }).people,
    );
  });

  it('defaults to 300 companies with seed 42', () => {
    expect(dataset).toEqual(generateDataset({ companies: 300, seed: 42 }));
    expect(dataset.companies).toHaveLength(300);
  });

  it('keeps the first companies the same whatever the count', () => {
    const small = generateDataset({ companies: 10 });
    expect(small.companies).toEqual(dataset.companies.slice(0, 10));
    expect(small.people).toEqual(
      dataset.people.filter((p) => small.companies.some((c) => c.id === p.companyId)),
    );
  });

  it('has three workspaces, all but one at identify, and spreads companies over them', () => {
    expect(dataset.workspaces.map((w) => w.workspaceId)).toEqual([
      'ws-devtools',
      'ws-secops',
      'ws-revops',
    ]);
    expect(dataset.workspaces.filter((w) => w.changeLevel !== 'identify')).toEqual([
      expect.objectContaining({ changeLevel: 'enrich', cooldownSeconds: 3600 }),
    ]);
    for (const workspace of WORKSPACES) {
      expect(dataset.companies.filter((c) => c.workspaceId === workspace.workspaceId)).toHaveLength(
        100,
      );
    }
  });

  it('uses stable, unique ids', () => {
    expect(dataset.companies[0]?.id).toBe('co-00001');
    expect(dataset.people[0]?.id).toBe('p-00001-001');
    const ids = [...dataset.companies, ...dataset.people].map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    const misnumbered = dataset.people.filter(
      (person) => !person.id.startsWith(`p-${person.companyId.slice('co-'.length)}-`),
    );
    expect(misnumbered).toEqual([]);
  });

  it('gives companies unique names and domains, industries and employee counts', () => {
    const names = dataset.companies.map((c) => c.name);
    const domains = dataset.companies.map((c) => c.domain);
    expect(new Set(names).size).toBe(names.length);
    expect(new Set(domains).size).toBe(domains.length);
    for (const company of dataset.companies) {
      expect(company.domain).toMatch(/^[a-z0-9]+\.[a-z]{2,}$/);
      expect(company.industry).not.toBe('');
      expect(company.employeeCount).toBeGreaterThanOrEqual(50);
    }
  });

  describe('org charts', () => {
    const byCompany = new Map<string, PersonRow[]>();
    for (const person of dataset.people) {
      byCompany.set(person.companyId, [...(byCompany.get(person.companyId) ?? []), person]);
    }

    it(`have ${MIN_PEOPLE_PER_COMPANY} to ${MAX_PEOPLE_PER_COMPANY} people per company`, () => {
      expect(byCompany.size).toBe(dataset.companies.length);
      for (const people of byCompany.values()) {
        expect(people.length).toBeGreaterThanOrEqual(MIN_PEOPLE_PER_COMPANY);
        expect(people.length).toBeLessThanOrEqual(MAX_PEOPLE_PER_COMPANY);
      }
    });

    it('are trees rooted at the CEO, each manager in the same company and listed first', () => {
      const broken: string[] = [];
      for (const [companyId, people] of byCompany) {
        const roots = people.filter((p) => p.managerId === null);
        if (roots.length !== 1 || roots[0]?.seniority !== 'c_level') broken.push(companyId);
        const seen = new Set<string>();
        for (const person of people) {
          // A manager listed earlier in the same company: no cycles, no cross-company edges.
          if (person.managerId !== null && !seen.has(person.managerId)) broken.push(person.id);
          seen.add(person.id);
        }
      }
      expect(broken).toEqual([]);
    });

    it('put people under managers more senior than themselves (the C-suite under the CEO)', () => {
      const rank = (p: PersonRow): number => SENIORITIES.indexOf(p.seniority);
      const byId = new Map(dataset.people.map((p) => [p.id, p]));
      const inverted = dataset.people.filter((person) => {
        const manager = person.managerId === null ? undefined : byId.get(person.managerId);
        if (!manager) return false;
        const executiveUnderCeo = person.seniority === 'c_level' && manager.managerId === null;
        return !executiveUnderCeo && rank(manager) >= rank(person);
      });
      expect(inverted).toEqual([]);
    });

    it('have titles, departments, seniorities and first.last e-mail addresses', () => {
      const domainOf = new Map(dataset.companies.map((c) => [c.id, c.domain]));
      const malformed = dataset.people.filter(
        (person) =>
          person.jobTitle.trim() === '' ||
          !(DEPARTMENTS as readonly string[]).includes(person.department) ||
          !(SENIORITIES as readonly string[]).includes(person.seniority) ||
          person.status !== 'active' ||
          !/^[a-z0-9]+\.[a-z0-9]+@/.test(person.email) ||
          !person.email.endsWith(`@${domainOf.get(person.companyId) ?? '?'}`),
      );
      expect(malformed).toEqual([]);
      const emails = dataset.people.map((p) => p.email);
      expect(new Set(emails).size).toBe(emails.length);
    });

    it('include the executives and titles real CRMs hold', () => {
      const titles = new Set(dataset.people.map((p) => p.jobTitle));
      for (const title of [
        'Chief Technology Officer',
        'Chief of Staff to the CEO',
        'VP Engineering',
        'Head of Procurement',
        'Staff Engineer',
        'Sr. Director, IT Security',
        'Account Executive',
        'Directeur Commercial',
      ]) {
        expect(titles).toContain(title);
      }
      expect(new Set(dataset.people.map((p) => p.department))).toEqual(new Set(DEPARTMENTS));
    });
  });
});
