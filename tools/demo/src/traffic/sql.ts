/** The SQL of one traffic change to `people`. Pure, so the statements can be checked offline. */
import type { PersonUpdate, RowChange } from './workforce';

export interface SqlStatement {
  readonly text: string;
  readonly values: readonly (string | null)[];
}

const COLUMNS: Readonly<Record<keyof PersonUpdate, string>> = {
  companyId: 'company_id',
  jobTitle: 'job_title',
  department: 'department',
  seniority: 'seniority',
  managerId: 'manager_id',
  status: 'status',
};

/**
 * An UPDATE that only writes when a value really differs (otherwise it matches no row, and
 * the caller learns that its picture of the row was stale), or a plain INSERT for a hire.
 */
export function rowChangeSql(change: RowChange): SqlStatement {
  if (change.op === 'insert') {
    const p = change.person;
    return {
      text:
        'INSERT INTO people (id, company_id, full_name, email, job_title, department, seniority, manager_id, status) ' +
        'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      values: [
        p.id,
        p.companyId,
        p.fullName,
        p.email,
        p.jobTitle,
        p.department,
        p.seniority,
        p.managerId,
        p.status,
      ],
    };
  }
  const fields = (Object.keys(COLUMNS) as (keyof PersonUpdate)[]).filter(
    (field) => change.set[field] !== undefined,
  );
  if (fields.length === 0) throw new Error(`an update of ${change.personId} that sets nothing`);
  const columns = fields.map((field) => COLUMNS[field]);
  const params = fields.map((_, i) => `$${i + 2}::text`);
  return {
    text:
      `UPDATE people SET ${columns.map((column, i) => `${column} = ${params[i]}`).join(', ')}, updated_at = now() ` +
      `WHERE id = $1 AND (${columns.join(', ')}) IS DISTINCT FROM (${params.join(', ')})`,
    values: [change.personId, ...fields.map((field) => change.set[field] ?? null)],
  };
}
