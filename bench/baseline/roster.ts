/**
 * What discovery needs about one company, read from the stack's own tables (`companies`,
 * `people`, `workspace_settings`), as our refresher reads them: the company with its
 * workspace's target, and its people. Read only; the baseline never writes these tables.
 */
import {
  companyFromRow,
  personFromRow,
  type CompaniesRow,
  type Company,
  type PeopleRow,
  type Person,
  type WorkspaceTarget,
} from '@bgs/domain';
import type { Pool } from 'pg';

export interface Roster {
  readonly company: Company;
  readonly target: WorkspaceTarget;
  readonly people: readonly Person[];
}

/** A workspace without settings sells software to anyone: the refresher's default too. */
export const DEFAULT_TARGET: WorkspaceTarget = {
  productCategory: 'software',
  targetDepartments: [],
};

type Dated<Row> = Omit<Row, 'updated_at'> & { updated_at: Date | null };
type CompanyRow = Dated<CompaniesRow> & {
  product_category: string | null;
  target_departments: string[] | null;
};

const isoDated = <Row extends { updated_at: Date | null }>(row: Row) => ({
  ...row,
  updated_at: row.updated_at?.toISOString() ?? null,
});

export function targetOf(row: Pick<CompanyRow, 'product_category' | 'target_departments'>) {
  if (row.product_category === null) return DEFAULT_TARGET;
  return { productCategory: row.product_category, targetDepartments: row.target_departments ?? [] };
}

/** Undefined when the company does not exist. The two reads are independent: run together. */
export async function loadRoster(db: Pick<Pool, 'query'>, companyId: string) {
  const [companies, people] = await Promise.all([
    db.query<CompanyRow>({
      name: 'baseline-roster-company',
      text: `SELECT c.id, c.workspace_id, c.name, c.domain, c.industry, c.employee_count, c.status,
              c.updated_at, ws.product_category, ws.target_departments
         FROM companies c
         LEFT JOIN workspace_settings ws ON ws.workspace_id = c.workspace_id
        WHERE c.id = $1`,
      values: [companyId],
    }),
    db.query<Dated<PeopleRow>>({
      name: 'baseline-roster-people',
      text: `SELECT id, company_id, full_name, email, job_title, department, seniority, manager_id,
              status, updated_at
         FROM people WHERE company_id = $1`,
      values: [companyId],
    }),
  ]);
  const row = companies.rows[0];
  if (!row) return undefined;
  const roster: Roster = {
    company: companyFromRow(isoDated(row)),
    target: targetOf(row),
    people: people.rows.map((person) => personFromRow(isoDated(person))),
  };
  return roster;
}
