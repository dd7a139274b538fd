/**
 * Whether a change can alter a buyer group. Most upstream writes cannot (a touched updated_at,
 * a retyped name), and each significant one costs a discovery and maybe a paid enrichment.
 */
import type { Change, Company, FieldChange, Person } from './model';
import { sameText } from './text';

export interface Significance {
  readonly significant: boolean;
  readonly reasons: readonly string[];
}

export interface SignificanceOptions {
  /** Treat snapshot reads as changes: a deliberate re-read of the tables to rebuild groups. */
  readonly backfill?: boolean;
}

/** The provider event types we act on (schemas/person-change.avsc). */
export const PROVIDER_EVENT_TYPES = [
  'person.role_change',
  'person.company_change',
  'person.promotion',
  'person.department_change',
  'company.acquisition',
  'company.restructuring',
  'company.executive_turnover',
] as const;

const significant = (...reasons: string[]): Significance => ({ significant: true, reasons });
const notSignificant = (reason: string): Significance => ({
  significant: false,
  reasons: [reason],
});

interface Compared<Row> {
  readonly field: string;
  readonly read: (row: Row) => string | null;
  /** Ids are compared exactly: "A1" and "a1" may be two rows. Text is compared normalised. */
  readonly exact?: boolean;
}

/** What places a person in a group and in which role. Name, email, updated_at do not. */
const PERSON_FIELDS: readonly Compared<Person>[] = [
  { field: 'job_title', read: (p) => p.jobTitle },
  { field: 'department', read: (p) => p.department },
  { field: 'seniority', read: (p) => p.seniority },
  { field: 'company_id', read: (p) => p.companyId, exact: true },
  { field: 'manager_id', read: (p) => p.managerId, exact: true },
  { field: 'status', read: (p) => p.status },
];

/**
 * A company's name, domain and employee count are cosmetic for its group: who is in it and in
 * which role comes from the people and the workspace's target, not from how the company is
 * labelled. (Employee count only nudges a score, and it is refreshed with the next real change.)
 */
const COMPANY_FIELDS: readonly Compared<Company>[] = [
  { field: 'status', read: (c) => c.status },
  { field: 'workspace_id', read: (c) => c.workspaceId, exact: true },
  { field: 'industry', read: (c) => c.industry },
];

export function assessSignificance(
  change: Change,
  options: SignificanceOptions = {},
): Significance {
  if (change.kind === 'provider') return assessProviderEvent(change.eventType, change.fields);
  if (change.op === 'snapshot') {
    return options.backfill ? significant('backfill') : notSignificant('snapshot read');
  }
  const noun = change.kind;
  if (change.op === 'create') return significant(`${noun} added`);
  if (change.op === 'delete') return significant(`${noun} removed`);
  // Without a before image there is nothing to compare with: assume the worst.
  if (change.before === null || change.after === null) return significant('no before image');
  return change.kind === 'person'
    ? compareRows(change.before, change.after, PERSON_FIELDS)
    : compareRows(change.before, change.after, COMPANY_FIELDS);
}

function compareRows<Row>(before: Row, after: Row, fields: readonly Compared<Row>[]): Significance {
  const reasons = fields
    .filter(({ read, exact }) =>
      exact ? (read(before) ?? '') !== (read(after) ?? '') : !sameText(read(before), read(after)),
    )
    .map(({ field }) => `${field} changed`);
  return reasons.length > 0 ? significant(...reasons) : notSignificant('cosmetic only');
}

function assessProviderEvent(eventType: string, fields: readonly FieldChange[]): Significance {
  if (!(PROVIDER_EVENT_TYPES as readonly string[]).includes(eventType)) {
    return notSignificant(`unknown event type ${eventType}`);
  }
  // A provider re-announcing "VP Sales" → "vp sales" is noise; a person event without field
  // detail is taken at its word.
  const cosmeticOnly =
    eventType.startsWith('person.') &&
    fields.length > 0 &&
    fields.every(({ before, after }) => sameText(before, after));
  return cosmeticOnly ? notSignificant('cosmetic only') : significant(eventType);
}
