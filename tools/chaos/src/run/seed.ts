/**
 * The chaos run's own data: workspaces with a cooldown of 0 (nothing is deferred, so every
 * company's final group can be recomputed), one per change level, and small companies whose
 * org charts give every role something to do. Written as an application would, so Debezium
 * picks it up.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';

export const LEVELS = ['identify', 'enrich', 'deep_research'] as const;

export interface SeededPerson {
  readonly id: string;
  readonly companyId: string;
  /** What the people row holds: a SQL write must change it to be a change at all. */
  rowTitle: string;
  /** What the last accepted webhook reported (a provider's observation), if any. */
  reportedTitle: string | undefined;
}

export interface Seeded {
  readonly runId: string;
  readonly workspaceIds: readonly string[];
  readonly companyIds: readonly string[];
  readonly people: readonly SeededPerson[];
}

/** Title, department, seniority, manager (by index): a CEO, a technical line, buyers, staff. */
const ORG: readonly (readonly [string, string, string, number | null])[] = [
  ['Chief Executive Officer', 'executive', 'c_level', null],
  ['Chief Technology Officer', 'engineering', 'c_level', 0],
  ['VP Engineering', 'engineering', 'vp', 1],
  ['Staff Engineer', 'engineering', 'senior', 2],
  ['Head of Procurement', 'procurement', 'director', 0],
  ['Director of IT Security', 'security', 'director', 1],
  ['IT Manager', 'it', 'manager', 1],
  ['Marketing Coordinator', 'marketing', 'entry', 0],
];

export async function seedChaosData(
  pool: Pool,
  options: { readonly companiesPerLevel: number },
): Promise<Seeded> {
  const runId = `chaos-${randomUUID().slice(0, 8)}`;
  const workspaceIds: string[] = [];
  const companyIds: string[] = [];
  const people: SeededPerson[] = [];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const level of LEVELS) {
      const workspaceId = `${runId}-${level}`;
      workspaceIds.push(workspaceId);
      await client.query(
        `INSERT INTO workspace_settings (workspace_id, product_category, target_departments, change_level, cooldown_seconds)
         VALUES ($1, 'software', '{engineering,it,security}', $2, 0)`,
        [workspaceId, level],
      );
      for (let n = 0; n < options.companiesPerLevel; n += 1) {
        const companyId = `${workspaceId}-co${n}`;
        companyIds.push(companyId);
        await client.query(
          'INSERT INTO companies (id, workspace_id, name, domain) VALUES ($1, $2, $3, $4)',
          [companyId, workspaceId, `Chaos ${companyId}`, `${companyId}.example`],
        );
        const ids = ORG.map((_, i) => `${companyId}-p${i}`);
        for (const [i, [title, department, seniority, manager]] of ORG.entries()) {
          await client.query(
            `INSERT INTO people (id, company_id, full_name, job_title, department, seniority, manager_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [
              ids[i],
              companyId,
              `Person ${i} of ${n}`,
              title,
              department,
              seniority,
              manager === null ? null : ids[manager],
            ],
          );
          people.push({
            id: ids[i] as string,
            companyId,
            rowTitle: title,
            reportedTitle: undefined,
          });
        }
      }
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return { runId, workspaceIds, companyIds, people };
}
