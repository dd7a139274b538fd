/**
 * Every input that can alter a buyer group, mapped to one Change: Debezium events of the
 * upstream tables and verified provider events. Parsing never throws: a bad input becomes a
 * reason for the dead-letter topic.
 */
import type { z } from 'zod';
import {
  companiesRowSchema,
  describeFirstIssue,
  envelopeSchema,
  peopleRowSchema,
  type CompaniesRow,
  type PeopleRow,
} from './debezium-envelope';
import type { Change, ChangeOp, ChangeOrigin, Company, Parsed, Person } from './model';

/** The decoded PersonChange Avro record (schemas/person-change.avsc), as far as we read it. */
export interface ProviderEvent {
  eventId: string;
  source: string;
  eventType: string;
  companyId: string;
  previousCompanyId: string | null;
  personId: string | null;
  changes: readonly { field: string; before: string | null; after: string | null }[];
  occurredAt: number | Date;
}

interface Images<Row> {
  readonly before: Row | null;
  readonly after: Row | null;
  readonly op: ChangeOp;
  readonly occurredAt: number;
  readonly origin: ChangeOrigin;
}

export function parseDebeziumPeopleEvent(value: unknown): Parsed<Change> {
  const parsed = parseEnvelope(value, 'people', peopleRowSchema);
  if (!parsed.ok) return parsed;
  const { before, after, op, occurredAt, origin } = parsed.value;
  const personId = (after ?? before)?.id ?? '';
  return {
    ok: true,
    value: {
      kind: 'person',
      op,
      personId,
      before: before && personFromRow(before),
      after: after && personFromRow(after),
      occurredAt,
      origin,
    },
  };
}

export function parseDebeziumCompaniesEvent(value: unknown): Parsed<Change> {
  const parsed = parseEnvelope(value, 'companies', companiesRowSchema);
  if (!parsed.ok) return parsed;
  const { before, after, op, occurredAt, origin } = parsed.value;
  const companyId = (after ?? before)?.id ?? '';
  return {
    ok: true,
    value: {
      kind: 'company',
      op,
      companyId,
      before: before && companyFromRow(before),
      after: after && companyFromRow(after),
      occurredAt,
      origin,
    },
  };
}

export function fromProviderEvent(event: ProviderEvent): Change {
  return {
    kind: 'provider',
    eventType: event.eventType,
    companyId: event.companyId,
    previousCompanyId: event.previousCompanyId,
    personId: event.personId,
    fields: event.changes.map(({ field, before, after }) => ({ field, before, after })),
    occurredAt:
      typeof event.occurredAt === 'number' ? event.occurredAt : event.occurredAt.getTime(),
    origin: { type: 'webhook', source: event.source, eventId: event.eventId },
  };
}

/** Names the source of a change, stable across replays: the key of idempotent effects. */
export function originRef(change: Change): string {
  const { origin } = change;
  if (origin.type === 'webhook') return `webhook:${origin.source}:${origin.eventId}`;
  return `cdc:${origin.table}:${subjectId(change)}:${origin.lsn}`;
}

function subjectId(change: Change): string {
  switch (change.kind) {
    case 'person':
      return change.personId;
    case 'company':
      return change.companyId;
    case 'provider':
      return change.personId ?? change.companyId;
  }
}

/** Which row images an operation must carry: the rest may be null. */
const REQUIRED_IMAGE: Readonly<Record<ChangeOp, 'before' | 'after'>> = {
  create: 'after',
  update: 'after',
  snapshot: 'after',
  delete: 'before',
};

function parseEnvelope<Schema extends z.ZodType<{ id: string }>>(
  value: unknown,
  table: 'people' | 'companies',
  rowSchema: Schema,
): Parsed<Images<z.output<Schema>>> {
  if (value === null) return { ok: false, reason: '(value): null, a tombstone, not a change' };
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) return { ok: false, reason: describeFirstIssue(envelope.error) };
  const { op, source } = envelope.data;
  if (source.table !== table) {
    return {
      ok: false,
      reason: `source.table: expected "${table}", received ${JSON.stringify(source.table)}`,
    };
  }

  const images: { before: z.output<Schema> | null; after: z.output<Schema> | null } = {
    before: null,
    after: null,
  };
  for (const image of ['before', 'after'] as const) {
    const raw = envelope.data[image];
    if (raw === null || raw === undefined) {
      if (REQUIRED_IMAGE[op] === image) {
        return { ok: false, reason: `${image}: required for op "${op}", received ${raw}` };
      }
      continue;
    }
    const row = rowSchema.safeParse(raw);
    if (!row.success) return { ok: false, reason: describeFirstIssue(row.error, [image]) };
    images[image] = row.data;
  }
  if (images.before && images.after && images.before.id !== images.after.id) {
    return { ok: false, reason: 'before.id: differs from after.id' };
  }

  return {
    ok: true,
    value: {
      ...images,
      op,
      occurredAt: source.ts_ms,
      origin: { type: 'cdc', table, lsn: source.lsn, snapshot: source.snapshot },
    },
  };
}

/** A `people` row (snake_case columns, as CDC and SQL give it) as the domain's Person. */
export function personFromRow(row: PeopleRow): Person {
  return {
    id: row.id,
    companyId: row.company_id,
    fullName: row.full_name,
    email: row.email,
    jobTitle: row.job_title,
    department: row.department,
    seniority: row.seniority,
    managerId: row.manager_id,
    status: row.status,
    updatedAt: row.updated_at,
  };
}

/** A `companies` row (snake_case columns) as the domain's Company. */
export function companyFromRow(row: CompaniesRow): Company {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    domain: row.domain,
    industry: row.industry,
    employeeCount: row.employee_count,
    status: row.status,
    updatedAt: row.updated_at,
  };
}
