/**
 * Research notes built from templates keyed by department and title: plausible enough for a
 * demo, deterministic for tests, and never longer than the adapter accepts.
 */
import type { PersonInsight, RequestedPerson, ResearchReply } from './contract';
import type { CompanyRecord, DirectoryLookup, PersonRecord } from './directory';
import { personDigest } from './contacts';

const PRIORITIES: readonly (readonly [RegExp, readonly string[]])[] = [
  [/secur/, ['threat detection', 'compliance audits', 'identity and access', 'incident response']],
  [
    /engineer|develop|r&d|technolog/,
    ['developer productivity', 'platform reliability', 'cloud cost', 'security posture'],
  ],
  [/product/, ['roadmap velocity', 'user research', 'activation metrics', 'pricing experiments']],
  [/data|analytic/, ['data quality', 'self-serve analytics', 'pipeline cost', 'governance']],
  [
    /sales|revenue|business dev/,
    ['pipeline growth', 'forecast accuracy', 'sales tooling', 'win rate'],
  ],
  [/market/, ['demand generation', 'attribution', 'brand reach', 'content velocity']],
  [/financ|account/, ['cost control', 'cash forecasting', 'audit readiness', 'spend visibility']],
  [
    /\bit\b|information/,
    ['vendor consolidation', 'endpoint management', 'helpdesk load', 'SaaS spend'],
  ],
  [
    /operat|supply|logistic/,
    ['process automation', 'throughput', 'supplier risk', 'cost per unit'],
  ],
  [
    /\bhr\b|human|people|talent|recruit/,
    ['hiring velocity', 'retention', 'employee experience', 'payroll accuracy'],
  ],
  [
    /legal|counsel/,
    ['contract turnaround', 'regulatory change', 'risk exposure', 'outside counsel spend'],
  ],
  [
    /support|success|service/,
    ['retention', 'time to resolution', 'expansion revenue', 'customer health'],
  ],
];
const DEFAULT_PRIORITIES = ['operational efficiency', 'cost control', 'vendor consolidation'];

const DECISION_MAKER =
  /\b(chief|c[a-z]o|founder|owner|president|vp|vice president|head|director|partner)\b/;
const INFLUENCER = /\b(manager|lead|principal|architect|senior|staff)\b/;

function roleOf(title: string | null): string {
  const lower = title?.toLowerCase() ?? '';
  if (DECISION_MAKER.test(lower)) return 'a decision maker';
  if (INFLUENCER.test(lower)) return 'an influencer';
  return lower === '' ? 'a contact' : 'a practitioner';
}

/** Three priorities for the department, rotated per person so colleagues differ a little. */
export function prioritiesFor(personId: string, department: string | null): string[] {
  const lower = department?.toLowerCase() ?? '';
  const pool = PRIORITIES.find(([pattern]) => pattern.test(lower))?.[1] ?? DEFAULT_PRIORITIES;
  const start = personDigest(personId).readUInt8(3) % pool.length;
  return [0, 1, 2].map((i) => pool[(start + i) % pool.length] ?? '').filter(Boolean);
}

const clip = (value: string, max: number): string =>
  value.length <= max ? value : `${value.slice(0, max - 1)}…`;

function insightFor(
  requested: RequestedPerson,
  person: PersonRecord | undefined,
  company: CompanyRecord | undefined,
): PersonInsight {
  if (!person) {
    return {
      personId: requested.personId,
      summary: `No record of this person at ${clip(company?.name ?? 'this company', 200)}.`,
      priorities: [],
    };
  }
  // The stack's record wins; what the caller sent fills its gaps.
  const title = person.jobTitle ?? requested.title;
  const department = person.department ?? requested.department;
  const priorities = prioritiesFor(person.id, department);
  const where = [title, department].filter((v): v is string => Boolean(v)).map((v) => clip(v, 120));
  const summary =
    `${clip(person.fullName, 200)}${where.length > 0 ? ` (${where.join(', ')})` : ''} is likely ` +
    `${roleOf(title)} for this purchase; expect interest in ${priorities.slice(0, 2).join(' and ')}.`;
  return { personId: person.id, summary, priorities };
}

function companySummaryOf(
  companyId: string,
  company: CompanyRecord | undefined,
  asked: number,
  found: number,
): string {
  if (!company) return `No records for company ${companyId}; ${asked} people asked about.`;
  const domain = company.domain ? ` (${clip(company.domain, 200)})` : '';
  const industry = company.industry ? ` in ${clip(company.industry, 200)}` : '';
  const size =
    company.employeeCount !== null ? ` with about ${company.employeeCount} employees` : '';
  return (
    `${clip(company.name, 300)}${domain} is a company${industry}${size}; ` +
    `${found} of ${asked} people asked about are on record.`
  );
}

export function buildResearchReply(
  companyId: string,
  people: readonly RequestedPerson[],
  lookup: DirectoryLookup,
): ResearchReply {
  const insights = people.map((requested) =>
    insightFor(requested, lookup.people.get(requested.personId), lookup.company),
  );
  const found = people.filter((p) => lookup.people.has(p.personId)).length;
  return {
    companySummary: companySummaryOf(companyId, lookup.company, people.length, found),
    insights,
  };
}
