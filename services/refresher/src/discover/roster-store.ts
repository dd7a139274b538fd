/**
 * Reads what discovery needs about a company: the company, its workspace's target and budget,
 * its people, and what providers reported about them. Two round trips for a whole batch of
 * companies.
 */
import { DEFAULT_LEVEL_COSTS_USD, parseEnrichmentLevel, resolveLevelCosts } from '@bgs/domain';
import {
  companyFromRow,
  personFromRow,
  type CompaniesRow,
  type Company,
  type EnrichmentLevel,
  type Observation,
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
  /**
   * The upstream rows of the company's people, and of people a provider reported moving in;
   * discovery merges them with `observations` (packages/domain observations.ts).
   */
  readonly people: readonly Person[];
  /** What providers reported about those people, newest per person and field. */
  readonly observations: readonly Observation[];
  /** Person id → when the upstream row last changed (Debezium's commit time, epoch ms). */
  readonly upstreamChangedAt: ReadonlyMap<string, number>;
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
const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`;

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

/**
 * The company's people and those observed to have moved in, each with the commit time of the
 * row's last upstream change and the provider's observations of them (a JSON array, usually
 * null: a lookup by primary key per person is cheaper than a second round trip).
 */
const ROSTER_PEOPLE = `
  WITH ids AS (
    SELECT id FROM people WHERE company_id = ANY($1)
    UNION
    SELECT person_id FROM person_observations WHERE field = 'company' AND value = ANY($1)
  )
  SELECT p.id, p.company_id, p.full_name, p.email, p.job_title, p.department, p.seniority,
         p.manager_id, p.status, ${isoText('p.updated_at')} AS updated_at,
         ${epochMs('u.committed_at')} AS upstream_changed_at,
         (SELECT json_agg(json_build_object(
                   'field', o.field, 'value', o.value, 'source', o.source, 'eventId', o.event_id,
                   'occurredAt', ${epochMs('o.observed_at')},
                   'receivedAt', ${epochMs('o.received_at')}))
            FROM person_observations o WHERE o.person_id = p.id) AS observations
    FROM ids JOIN people p ON p.id = ids.id
    LEFT JOIN person_upstream_commits u ON u.person_id = p.id`;

type RosterPersonRow = PeopleRow & {
  upstream_changed_at: number | null;
  observations: Omit<Observation, 'personId'>[] | null;
};

interface RosterEntry {
  readonly person: Person;
  readonly observations: readonly Observation[];
  readonly upstreamChangedAt: number | null;
}

interface RosterPeople {
  readonly people: Person[];
  readonly observations: Observation[];
  readonly upstreamChangedAt: Map<string, number>;
}

const emptyRosterPeople = (): RosterPeople => ({
  people: [],
  observations: [],
  upstreamChangedAt: new Map(),
});

function rosterEntryOf(row: RosterPersonRow): RosterEntry {
  const { upstream_changed_at: upstreamChangedAt, observations, ...person } = row;
  return {
    person: personFromRow(person),
    observations: (observations ?? []).map((o) => ({ ...o, personId: row.id })),
    upstreamChangedAt,
  };
}

/** The loaded companies a person may belong to: the row's, and one a provider moved them to. */
function companiesOf(entry: RosterEntry, wanted: ReadonlySet<string>): string[] {
  const companies = new Set<string>();
  if (wanted.has(entry.person.companyId)) companies.add(entry.person.companyId);
  for (const o of entry.observations) {
    if (o.field === 'company' && o.value !== null && wanted.has(o.value)) companies.add(o.value);
  }
  return [...companies];
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
      const people = await db.query<RosterPersonRow>(ROSTER_PEOPLE, [companyIds]);
      const wanted = new Set(companyIds);
      const rosterOf = new Map<string, RosterPeople>();
      for (const row of people.rows) {
        const entry = rosterEntryOf(row);
        for (const companyId of companiesOf(entry, wanted)) {
          const roster = rosterOf.get(companyId) ?? emptyRosterPeople();
          roster.people.push(entry.person);
          roster.observations.push(...entry.observations);
          if (entry.upstreamChangedAt !== null) {
            roster.upstreamChangedAt.set(entry.person.id, entry.upstreamChangedAt);
          }
          rosterOf.set(companyId, roster);
        }
      }
      for (const row of companies.rows) {
        result.set(row.id, {
          company: companyFromRow(row),
          policy: policyOf(row),
          ...(rosterOf.get(row.id) ?? emptyRosterPeople()),
          inPaidWindow: row.in_paid_window,
        });
      }
      return result;
    },
  };
}
