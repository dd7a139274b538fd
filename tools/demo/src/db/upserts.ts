/**
 * The demo's writes of its dataset, as multi-row upserts: each statement takes a whole batch of
 * rows as one JSON parameter (jsonb_to_recordset), inserts what is missing and updates a row
 * only when a value differs. A re-run of the demo thus writes nothing, and Debezium sees no
 * change storm; a run after live traffic puts back only the rows the traffic changed.
 *
 * RETURNING (xmax = 0) tells inserted rows (true) from updated ones (false); untouched rows
 * are not returned at all.
 */
import type { CompanyRow, PersonRow, WorkspaceRow } from '../dataset/rows';

export interface Upsert {
  readonly text: string;
  readonly values: readonly [string];
}

interface TableSpec {
  readonly table: string;
  readonly key: string;
  /** Column name and its SQL type, in jsonb_to_recordset's record definition. */
  readonly columns: readonly (readonly [string, string])[];
  /** A column's value as selected; defaults to the record field of the same name. */
  readonly select?: Readonly<Record<string, string>>;
}

function upsertSql({ table, key, columns, select = {} }: TableSpec): string {
  const names = columns.map(([name]) => name);
  const updated = names.filter((name) => name !== key);
  return [
    `INSERT INTO ${table} (${names.join(', ')})`,
    `SELECT ${names.map((name) => select[name] ?? `r.${name}`).join(', ')}`,
    `FROM jsonb_to_recordset($1::jsonb) AS r(${columns.map(([name, type]) => `${name} ${type}`).join(', ')})`,
    `ON CONFLICT (${key}) DO UPDATE SET ${updated.map((name) => `${name} = EXCLUDED.${name}`).join(', ')}, updated_at = now()`,
    `WHERE (${updated.map((name) => `${table}.${name}`).join(', ')}) IS DISTINCT FROM (${updated.map((name) => `EXCLUDED.${name}`).join(', ')})`,
    'RETURNING (xmax = 0) AS inserted',
  ].join('\n');
}

const WORKSPACES_SQL = upsertSql({
  table: 'workspace_settings',
  key: 'workspace_id',
  columns: [
    ['workspace_id', 'text'],
    ['product_category', 'text'],
    ['target_departments', 'jsonb'],
    ['change_level', 'text'],
    ['cooldown_seconds', 'integer'],
    ['level_costs_usd', 'jsonb'],
  ],
  // A JSON array of strings becomes the text[] column.
  select: { target_departments: 'ARRAY(SELECT jsonb_array_elements_text(r.target_departments))' },
});

const COMPANIES_SQL = upsertSql({
  table: 'companies',
  key: 'id',
  columns: [
    ['id', 'text'],
    ['workspace_id', 'text'],
    ['name', 'text'],
    ['domain', 'text'],
    ['industry', 'text'],
    ['employee_count', 'integer'],
    ['status', 'text'],
  ],
});

const PEOPLE_SQL = upsertSql({
  table: 'people',
  key: 'id',
  columns: [
    ['id', 'text'],
    ['company_id', 'text'],
    ['full_name', 'text'],
    ['email', 'text'],
    ['job_title', 'text'],
    ['department', 'text'],
    ['seniority', 'text'],
    ['manager_id', 'text'],
    ['status', 'text'],
  ],
});

const batch = (text: string, rows: readonly object[]): Upsert => ({
  text,
  values: [JSON.stringify(rows)],
});

export const workspacesUpsert = (rows: readonly WorkspaceRow[]): Upsert =>
  batch(
    WORKSPACES_SQL,
    rows.map((w) => ({
      workspace_id: w.workspaceId,
      product_category: w.productCategory,
      target_departments: w.targetDepartments,
      change_level: w.changeLevel,
      cooldown_seconds: w.cooldownSeconds,
      level_costs_usd: w.levelCostsUsd,
    })),
  );

export const companiesUpsert = (rows: readonly CompanyRow[]): Upsert =>
  batch(
    COMPANIES_SQL,
    rows.map((c) => ({
      id: c.id,
      workspace_id: c.workspaceId,
      name: c.name,
      domain: c.domain,
      industry: c.industry,
      employee_count: c.employeeCount,
      status: 'active',
    })),
  );

export const peopleUpsert = (rows: readonly PersonRow[]): Upsert =>
  batch(
    PEOPLE_SQL,
    rows.map((p) => ({
      id: p.id,
      company_id: p.companyId,
      full_name: p.fullName,
      email: p.email,
      job_title: p.jobTitle,
      department: p.department,
      seniority: p.seniority,
      manager_id: p.managerId,
      status: p.status,
    })),
  );
