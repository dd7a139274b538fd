/**
 * The final state of each company, read for `convergence` from the tables the refresher's
 * discover step reads (services/refresher/src/discover/roster-store.ts, read and not imported:
 * the checker shares no code with what it checks), and put together per company the same way.
 */
import {
  companyFromRow,
  personFromRow,
  type CompaniesRow,
  type Company,
  type Observation,
  type ObservedField,
  type PeopleRow,
  type Person,
  type WorkspaceTarget,
} from '@bgs/domain';
import type { Queryable } from '../db';
import { groupBy, type MemberRow, type PublishedGroup, type SavedGroupRow } from '../records';
import type { CompanyFinalState } from './convergence';

/** What a workspace without settings is discovered for: the refresher's default target. */
export const DEFAULT_TARGET: WorkspaceTarget = {
  productCategory: 'software',
  targetDepartments: [],
};

export interface CompanyWithTarget {
  readonly company: Company;
  readonly target: WorkspaceTarget;
}

export interface FinalRows {
  readonly companies: ReadonlyMap<string, CompanyWithTarget>;
  readonly people: readonly Person[];
  readonly observations: readonly Observation[];
  readonly upstreamChangedAt: ReadonlyMap<string, number>;
  readonly saved: ReadonlyMap<string, SavedGroupRow>;
  readonly memberRows: readonly MemberRow[];
  readonly newest: ReadonlyMap<string, PublishedGroup>;
}

/**
 * Each company's inputs, as the refresher gathers them: the people whose row is the company's
 * or who were reported moving into it, with all their observations and commit times.
 */
export function assembleFinalStates(
  companyIds: readonly string[],
  rows: FinalRows,
): CompanyFinalState[] {
  const movedIn = new Map<string, Set<string>>();
  for (const o of rows.observations) {
    if (o.field !== 'company' || o.value === null) continue;
    movedIn.set(o.value, (movedIn.get(o.value) ?? new Set()).add(o.personId));
  }
  const peopleById = new Map(rows.people.map((p) => [p.id, p]));
  const ownPeople = groupBy(rows.people, (p) => p.companyId);
  const observationsOf = groupBy(rows.observations, (o) => o.personId);
  const memberRowsOf = groupBy(rows.memberRows, (r) => r.companyId);
  return companyIds.map((companyId) => {
    const people = [...(ownPeople.get(companyId) ?? [])];
    for (const id of movedIn.get(companyId) ?? []) {
      const arrival = peopleById.get(id);
      if (arrival !== undefined && arrival.companyId !== companyId) people.push(arrival);
    }
    const facts = rows.companies.get(companyId);
    return {
      companyId,
      company: facts?.company ?? null,
      target: facts?.target ?? DEFAULT_TARGET,
      people,
      observations: people.flatMap((p) => observationsOf.get(p.id) ?? []),
      upstreamChangedAt: new Map(
        people.flatMap((p) => {
          const at = rows.upstreamChangedAt.get(p.id);
          return at === undefined ? [] : [[p.id, at] as const];
        }),
      ),
      saved: rows.saved.get(companyId) ?? null,
      memberRows: memberRowsOf.get(companyId) ?? [],
      newest: rows.newest.get(companyId),
    };
  });
}

/** Epoch ms and ISO text made by Postgres, with the refresher's expressions (see above). */
const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`;
const isoText = (column: string): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const COMPANIES = `
  SELECT c.id, c.workspace_id, c.name, c.domain, c.industry, c.employee_count, c.status,
         ${isoText('c.updated_at')} AS updated_at, ws.product_category, ws.target_departments
    FROM companies c LEFT JOIN workspace_settings ws ON ws.workspace_id = c.workspace_id
   WHERE c.id = ANY($1)`;

const PEOPLE = `
  SELECT p.id, p.company_id, p.full_name, p.email, p.job_title, p.department, p.seniority,
         p.manager_id, p.status, ${isoText('p.updated_at')} AS updated_at
    FROM people p
   WHERE p.company_id = ANY($1)
      OR p.id IN (SELECT person_id FROM person_observations
                   WHERE field = 'company' AND value = ANY($1))`;

const OBSERVATIONS = `
  SELECT person_id, field, value, source, event_id,
         ${epochMs('observed_at')} AS observed_at, ${epochMs('received_at')} AS received_at
    FROM person_observations WHERE person_id = ANY($1)`;

const COMMITS = `
  SELECT person_id, ${epochMs('committed_at')} AS committed_at
    FROM person_upstream_commits WHERE person_id = ANY($1)`;

const SAVED = `SELECT company_id, generation, confidence, cohesion
                 FROM buyer_groups WHERE company_id = ANY($1)`;

type CompanyRow = CompaniesRow & {
  product_category: string | null;
  target_departments: string[] | null;
};

async function readCompanies(
  db: Queryable,
  companyIds: readonly string[],
): Promise<Map<string, CompanyWithTarget>> {
  const rows = await db.query<CompanyRow>(COMPANIES, [companyIds]);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        company: companyFromRow(row),
        target:
          row.product_category === null
            ? DEFAULT_TARGET
            : {
                productCategory: row.product_category,
                targetDepartments: row.target_departments ?? [],
              },
      },
    ]),
  );
}

async function readObservations(db: Queryable, personIds: readonly string[]) {
  const rows = await db.query<{
    person_id: string;
    field: ObservedField;
    value: string | null;
    source: string;
    event_id: string;
    observed_at: number;
    received_at: number;
  }>(OBSERVATIONS, [personIds]);
  return rows.map((r): Observation => ({
    personId: r.person_id,
    field: r.field,
    value: r.value,
    source: r.source,
    eventId: r.event_id,
    occurredAt: r.observed_at,
    receivedAt: r.received_at,
  }));
}

async function readSaved(db: Queryable, companyIds: readonly string[]) {
  const rows = await db.query<{
    company_id: string;
    generation: string;
    confidence: string | null;
    cohesion: string | null;
  }>(SAVED, [companyIds]);
  const number = (v: string | null) => (v === null ? null : Number(v));
  return new Map(
    rows.map((r) => [
      r.company_id,
      {
        companyId: r.company_id,
        generation: Number(r.generation),
        confidence: number(r.confidence),
        cohesion: number(r.cohesion),
      },
    ]),
  );
}

export async function readFinalStates(
  db: Queryable,
  companyIds: readonly string[],
  published: Pick<FinalRows, 'memberRows' | 'newest'>,
): Promise<CompanyFinalState[]> {
  const people = (await db.query<PeopleRow>(PEOPLE, [companyIds])).map(personFromRow);
  const personIds = people.map((p) => p.id);
  const commits = await db.query<{ person_id: string; committed_at: number }>(COMMITS, [personIds]);
  return assembleFinalStates(companyIds, {
    companies: await readCompanies(db, companyIds),
    people,
    observations: await readObservations(db, personIds),
    upstreamChangedAt: new Map(commits.map((c) => [c.person_id, c.committed_at])),
    saved: await readSaved(db, companyIds),
    ...published,
  });
}
