/** Reads the current rows of the demo's companies into the traffic's Workforce. */
import { companiesRowSchema, peopleRowSchema } from '@bgs/domain';
import type { Pool } from 'pg';
import { Workforce } from '../traffic/workforce';

/**
 * The domain's row shapes (as Debezium sends them), for the columns read here. pg returns some
 * columns otherwise than Debezium (timestamptz a Date, not an ISO string): those are not read.
 */
const companyRow = companiesRowSchema.pick({
  id: true,
  workspace_id: true,
  name: true,
  domain: true,
});
const personRow = peopleRowSchema.omit({ updated_at: true });

export async function readWorkforce(pool: Pool, companyIds: readonly string[]): Promise<Workforce> {
  const companies = await pool.query(
    'SELECT id, workspace_id, name, domain FROM companies WHERE id = ANY($1::text[]) ORDER BY id',
    [companyIds],
  );
  const people = await pool.query(
    `SELECT id, company_id, full_name, email, job_title, department, seniority, manager_id, status
       FROM people WHERE company_id = ANY($1::text[]) ORDER BY id`,
    [companyIds],
  );
  return new Workforce(
    companyRow
      .array()
      .parse(companies.rows)
      .map((c) => ({
        id: c.id,
        workspaceId: c.workspace_id,
        name: c.name,
        domain: c.domain,
      })),
    personRow
      .array()
      .parse(people.rows)
      .map((p) => ({
        id: p.id,
        companyId: p.company_id,
        fullName: p.full_name,
        email: p.email,
        jobTitle: p.job_title,
        department: p.department,
        seniority: p.seniority,
        managerId: p.manager_id,
        status: p.status,
      })),
  );
}
