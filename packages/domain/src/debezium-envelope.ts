/**
 * The zod shapes of a Debezium Postgres change event as the JsonConverter writes it without
 * schemas: the bare envelope, rows in the upstream's snake_case. Unknown keys are stripped, so
 * a column added upstream does not break us; a column we read that changes type does.
 */
import { z } from 'zod';

const DEBEZIUM_OPS = { c: 'create', u: 'update', d: 'delete', r: 'snapshot' } as const;

const id = z.string().min(1, 'expected a non-empty string');

/** JsonConverter writes null columns as null; a missing key is read the same way. */
const nullableText = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

/** timestamptz arrives as Debezium's ZonedTimestamp, an ISO-8601 string; it is kept as sent. */
const nullableTimestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'expected an ISO-8601 timestamp')
  .nullish()
  .transform((value) => value ?? null);

/**
 * A Postgres LSN is a 64-bit position, beyond what a double holds exactly; Debezium writes it as
 * a JSON number, so a string of digits is accepted too and either becomes a decimal string.
 */
const lsn = z.unknown().transform((value, context): string => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    return BigInt(value).toString();
  }
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return BigInt(value).toString();
  context.addIssue({
    code: 'custom',
    message: `expected a non-negative integer or a string of digits, received ${describe(value)}`,
  });
  return z.NEVER;
});

/**
 * Debezium's `snapshot` is a string enum ("true", "first", "last", "incremental", ...) or, in
 * older versions, a boolean; only "false" means a live change. Absent means live too.
 */
const snapshotFlag = z
  .union([z.boolean(), z.string()])
  .nullish()
  .transform(
    (value) => value !== undefined && value !== null && value !== false && value !== 'false',
  );

export const envelopeSchema = z.object({
  op: z.enum(Object.keys(DEBEZIUM_OPS) as ['c', 'u', 'd', 'r']).transform((op) => DEBEZIUM_OPS[op]),
  source: z.object({
    table: z.string(),
    lsn,
    ts_ms: z.number().int().nonnegative(),
    snapshot: snapshotFlag,
  }),
  // Checked per operation once the envelope is known to be one (a delete has no after).
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});

export const peopleRowSchema = z.object({
  id,
  company_id: id,
  full_name: z.string(),
  email: nullableText,
  job_title: nullableText,
  department: nullableText,
  seniority: nullableText,
  manager_id: nullableText,
  status: z.string(),
  updated_at: nullableTimestamp,
});

export const companiesRowSchema = z.object({
  id,
  workspace_id: id,
  name: z.string(),
  domain: nullableText,
  industry: nullableText,
  employee_count: z
    .number()
    .int()
    .nonnegative()
    .nullish()
    .transform((value) => value ?? null),
  status: z.string(),
  updated_at: nullableTimestamp,
});

export type PeopleRow = z.output<typeof peopleRowSchema>;
export type CompaniesRow = z.output<typeof companiesRowSchema>;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** "after.company_id: expected string, received number": the first problem, named by its path. */
export function describeFirstIssue(error: z.ZodError, pathPrefix: readonly string[] = []): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid value';
  const path = [...pathPrefix, ...issue.path.map(String)].join('.') || '(value)';
  const message = issue.message.replace(/^Invalid (input|option|string|number): /, '');
  return `${path}: ${message}`;
}
