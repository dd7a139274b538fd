import type { Pool } from 'pg';
import type { CompaniesRow, PeopleRow } from '@bgs/domain';
import type { CompanyRecord, DirectoryLookup, PeopleDirectory, PersonRecord } from './directory';

/** The columns read, typed as the upstream rows are everywhere (@bgs/domain). */
type CompanyRow = Pick<CompaniesRow, 'id' | 'name' | 'domain' | 'industry' | 'employee_count'>;

type PersonRow = Pick<
  PeopleRow,
  'id' | 'company_id' | 'full_name' | 'email' | 'job_title' | 'department'
>;

/** Reads the upstream `companies` and `people` tables (one query each, by primary key/index). */
export function createPgPeopleDirectory(pool: Pick<Pool, 'query'>): PeopleDirectory {
  return {
    async lookup(companyId, personIds): Promise<DirectoryLookup> {
      const [companies, people] = await Promise.all([
        pool.query<CompanyRow>(
          'SELECT id, name, domain, industry, employee_count FROM companies WHERE id = $1',
          [companyId],
        ),
        personIds.length === 0
          ? Promise.resolve({ rows: [] as PersonRow[] })
          : pool.query<PersonRow>(
              `SELECT id, company_id, full_name, email, job_title, department
                 FROM people WHERE company_id = $1 AND id = ANY($2::text[])`,
              [companyId, [...new Set(personIds)]],
            ),
      ]);
      const row = companies.rows[0];
      const company: CompanyRecord | undefined = row && {
        id: row.id,
        name: row.name,
        domain: row.domain,
        industry: row.industry,
        employeeCount: row.employee_count,
      };
      const found = new Map<string, PersonRecord>(
        people.rows.map((p) => [
          p.id,
          {
            id: p.id,
            companyId: p.company_id,
            fullName: p.full_name,
            email: p.email,
            jobTitle: p.job_title,
            department: p.department,
          },
        ]),
      );
      return { company, people: found };
    },
  };
}
