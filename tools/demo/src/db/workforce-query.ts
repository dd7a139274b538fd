/** Reads the current rows of the demo's companies into the traffic's Workforce. */
import { z } from '@bgs/platform';
import type { Pool } from 'pg';
import { Workforce } from '../traffic/workforce';

const companyRow = z.object({
  id: z.string(),
  workspace_id: z.string(),
  name: z.string(),
  domain: z.string().nullable(),
});

const personRow = z.object({
  id: z.string(),
  company_id: z.string(),
  full_name: z.string(),
  email: z.string().nullable(),
  job_title: z.string().nullable(),
  department: z.string().nullable(),
  seniority: z.string().nullable(),
  manager_id: z.string().nullable(),
  status: z.string(),
});

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
    z
      .array(companyRow)
      .parse(companies.rows)
      .map((c) => ({
        id: c.id,
        workspaceId: c.workspace_id,
        name: c.name,
        domain: c.domain,
      })),
    z
      .array(personRow)
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
