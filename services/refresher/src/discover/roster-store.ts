/**
 * Reads what discovery needs about a company: the company, its workspace's target and budget,
 * and its people. One round trip per table for a whole batch of companies.
 */
import { DEFAULT_LEVEL_COSTS_USD, parseEnrichmentLevel, resolveLevelCosts } from '@bgs/domain';
import {
  companyFromRow,
  personFromRow,
  type CompaniesRow,
  type Company,
  type EnrichmentLevel,
  type PeopleRow,
  type Person,
  type WorkspaceTarget,
} from '@bgs/domain';

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
  /** The company is inside a paid cooldown window: a paid refresh of it may be in flight. */
  readonly inPaidWindow: boolean;
}

export interface RosterStore {
  /** Rosters of the companies that exist; a missing id has no entry. */
  load(companyIds: readonly string[]): Promise<Map<string, Roster>>;
}

export interface Queryable {
  query<R>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

type CompanyRow = CompaniesRow & {
  product_category: string | null;
  target_departments: string[] | null;
  change_level: string | null;
  cooldown_seconds: number | null;
  level_costs_usd: Record<string, unknown> | null;
  in_paid_window: boolean;
};

/**
 * `updated_at` as the ISO text the domain's rows hold (what `Date#toISOString` writes), made by
 * Postgres: parsing each timestamp into a Date and back to text in node was a tenth of the
 * refresher's CPU at 500 changes/s (a roster of 40 people per company discovered).
 */
const isoText = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

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
                ${isoText('c.updated_at')} AS updated_at, ws.product_category, ws.target_departments, ws.change_level,
                ws.cooldown_seconds, ws.level_costs_usd,
                coalesce(cc.window_ends_at > now(), false) AS in_paid_window
           FROM companies c
           LEFT JOIN workspace_settings ws ON ws.workspace_id = c.workspace_id
           LEFT JOIN company_cooldowns cc ON cc.company_id = c.id
          WHERE c.id = ANY($1)`,
        [companyIds],
      );
      const people = await db.query<PeopleRow>(
        `SELECT id, company_id, full_name, email, job_title, department, seniority, manager_id,
                status, ${isoText('updated_at')} AS updated_at
           FROM people WHERE company_id = ANY($1)`,
        [companyIds],
      );
      const peopleByCompany = new Map<string, Person[]>();
      for (const row of people.rows) {
        const list = peopleByCompany.get(row.company_id) ?? [];
        list.push(personFromRow(row));
        peopleByCompany.set(row.company_id, list);
      }
      for (const row of companies.rows) {
        result.set(row.id, {
          company: companyFromRow(row),
          policy: policyOf(row),
          people: peopleByCompany.get(row.id) ?? [],
          inPaidWindow: row.in_paid_window,
        });
      }
      return result;
    },
  };
}
