/**
 * Reads what discovery needs about a company: the company, its workspace's target and budget,
 * and its people. One round trip per table for a whole batch of companies.
 */
import { DEFAULT_LEVEL_COSTS_USD, parseEnrichmentLevel, resolveLevelCosts } from '@bgs/domain';
import type { Company, EnrichmentLevel, Person, WorkspaceTarget } from '@bgs/domain';

export interface WorkspacePolicy {
  readonly target: WorkspaceTarget;
  readonly changeLevel: EnrichmentLevel;
  readonly cooldownSeconds: number;
  readonly levelCostsUsd: Readonly<Record<EnrichmentLevel, number>>;
}

export interface Roster {
  readonly company: Company;
  readonly policy: WorkspacePolicy;
  readonly people: readonly Person[];
}

export interface RosterStore {
  /** Rosters of the companies that exist; a missing id has no entry. */
  load(companyIds: readonly string[]): Promise<Map<string, Roster>>;
}

export interface Queryable {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

interface CompanyRow {
  id: string;
  workspace_id: string;
  name: string;
  domain: string | null;
  industry: string | null;
  employee_count: number | null;
  status: string;
  updated_at: Date | null;
  product_category: string | null;
  target_departments: string[] | null;
  change_level: string | null;
  cooldown_seconds: number | null;
  level_costs_usd: Record<string, unknown> | null;
}

interface PersonRow {
  id: string;
  company_id: string;
  full_name: string;
  email: string | null;
  job_title: string | null;
  department: string | null;
  seniority: string | null;
  manager_id: string | null;
  status: string;
  updated_at: Date | null;
}

export const DEFAULT_POLICY: WorkspacePolicy = {
  target: { productCategory: 'software', targetDepartments: [] },
  changeLevel: 'identify',
  cooldownSeconds: 3600,
  levelCostsUsd: DEFAULT_LEVEL_COSTS_USD,
};

function policyOf(row: CompanyRow): WorkspacePolicy {
  if (row.product_category === null) return DEFAULT_POLICY;
  return {
    target: {
      productCategory: row.product_category,
      targetDepartments: row.target_departments ?? [],
    },
    changeLevel: parseEnrichmentLevel(row.change_level ?? '') ?? 'identify',
    cooldownSeconds: row.cooldown_seconds ?? DEFAULT_POLICY.cooldownSeconds,
    levelCostsUsd: resolveLevelCosts(row.level_costs_usd),
  };
}

export function createPgRosterStore(db: Queryable): RosterStore {
  return {
    async load(companyIds) {
      const result = new Map<string, Roster>();
      if (companyIds.length === 0) return result;
      const companies = await db.query<CompanyRow>(
        `SELECT c.id, c.workspace_id, c.name, c.domain, c.industry, c.employee_count, c.status,
                c.updated_at, ws.product_category, ws.target_departments, ws.change_level,
                ws.cooldown_seconds, ws.level_costs_usd
           FROM companies c
           LEFT JOIN workspace_settings ws ON ws.workspace_id = c.workspace_id
          WHERE c.id = ANY($1)`,
        [companyIds],
      );
      const people = await db.query<PersonRow>(
        `SELECT id, company_id, full_name, email, job_title, department, seniority, manager_id,
                status, updated_at
           FROM people WHERE company_id = ANY($1)`,
        [companyIds],
      );
      const peopleByCompany = new Map<string, Person[]>();
      for (const row of people.rows) {
        const list = peopleByCompany.get(row.company_id) ?? [];
        list.push({
          id: row.id,
          companyId: row.company_id,
          fullName: row.full_name,
          email: row.email,
          jobTitle: row.job_title,
          department: row.department,
          seniority: row.seniority,
          managerId: row.manager_id,
          status: row.status,
          updatedAt: row.updated_at?.toISOString() ?? null,
        });
        peopleByCompany.set(row.company_id, list);
      }
      for (const row of companies.rows) {
        result.set(row.id, {
          company: {
            id: row.id,
            workspaceId: row.workspace_id,
            name: row.name,
            domain: row.domain,
            industry: row.industry,
            employeeCount: row.employee_count,
            status: row.status,
            updatedAt: row.updated_at?.toISOString() ?? null,
          },
          policy: policyOf(row),
          people: peopleByCompany.get(row.id) ?? [],
        });
      }
      return result;
    },
  };
}
