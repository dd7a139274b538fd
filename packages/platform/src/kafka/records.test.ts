/**
 * The record types of records.ts against schemas/*.avsc: every field, its name and whether it
 * may be null, nested records included; and a sample of each type is a valid Avro value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as avro from 'avsc';
import type {
  BuyerGroupChangeRecord,
  BuyerGroupStateRecord,
  BuyerGroupWorkRecord,
  CompanyTouchRecord,
  MemberRefRecord,
  PersonChangeRecord,
  RefreshRequestRecord,
  WorkMemberRecord,
} from './records';

type Nullability<Value> = null extends Value ? 'nullable' : 'required';

/**
 * A field list of a record type, spelled out so that the compiler holds it to the type: each of
 * its keys, nullable exactly where the type says so; a list of records is its item's list.
 */
type FieldList<Record> = {
  readonly [Key in keyof Record]-?: Record[Key] extends readonly (infer Item)[]
    ? Item extends object
      ? FieldList<Item>
      : Nullability<Record[Key]>
    : Nullability<Record[Key]>;
};

const origins: FieldList<CompanyTouchRecord['origins'][number]> = {
  ref: 'required',
  occurredAt: 'required',
};

const member: FieldList<WorkMemberRecord> = {
  personId: 'required',
  fullName: 'nullable',
  title: 'nullable',
  department: 'nullable',
  seniority: 'nullable',
  role: 'required',
  score: 'required',
  rationale: 'required',
  enrichment: 'nullable',
  research: 'nullable',
};

const personChange: FieldList<PersonChangeRecord> = {
  eventId: 'required',
  source: 'required',
  eventType: 'required',
  companyId: 'required',
  previousCompanyId: 'nullable',
  personId: 'nullable',
  changes: { field: 'required', before: 'nullable', after: 'nullable' },
  occurredAt: 'required',
  receivedAt: 'required',
  payload: 'required',
};

const refreshRequest: FieldList<RefreshRequestRecord> = {
  requestId: 'required',
  workspaceId: 'required',
  companyId: 'required',
  level: 'required',
  reason: 'nullable',
  requestedBy: 'required',
  requestedAt: 'required',
};

const companyTouch: FieldList<CompanyTouchRecord> = {
  companyId: 'required',
  level: 'nullable',
  reason: 'required',
  triggeredBy: 'required',
  origins,
  cooldownElapsed: 'required',
};

const buyerGroupWork: FieldList<BuyerGroupWorkRecord> = {
  companyId: 'required',
  workspaceId: 'required',
  generation: 'required',
  level: 'required',
  reason: 'required',
  triggeredBy: 'required',
  origins,
  originCount: 'required',
  discoveredAt: 'required',
  confidence: 'required',
  cohesion: 'required',
  status: 'required',
  costUsd: 'required',
  companySummary: 'nullable',
  members: member,
};

const buyerGroupState: FieldList<BuyerGroupStateRecord> = {
  companyId: 'required',
  workspaceId: 'required',
  generation: 'required',
  level: 'required',
  confidence: 'required',
  cohesion: 'required',
  status: 'required',
  computedAt: 'required',
  members: member,
  savedAt: 'required',
  costUsd: 'required',
  companySummary: 'nullable',
  origins,
};

const memberRef: FieldList<MemberRefRecord> = {
  personId: 'required',
  fullName: 'nullable',
  role: 'required',
};

const buyerGroupChange: FieldList<BuyerGroupChangeRecord> = {
  companyId: 'required',
  workspaceId: 'required',
  generation: 'required',
  previousGeneration: 'nullable',
  level: 'required',
  savedAt: 'required',
  added: memberRef,
  removed: memberRef,
  roleChanged: {
    personId: 'required',
    fullName: 'nullable',
    fromRole: 'required',
    toRole: 'required',
  },
  origins,
};

const SCHEMAS_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'schemas');

const typeOf = (file: string): avro.Type =>
  avro.Type.forSchema(JSON.parse(readFileSync(path.join(SCHEMAS_DIR, file), 'utf8')));

interface Described {
  readonly [field: string]: 'nullable' | 'required' | Described;
}

/** The field list of an Avro record type, read the same way as the declared ones. */
function fieldListOf(type: avro.Type): Described {
  if (!(type instanceof avro.types.RecordType)) throw new Error(`${type.typeName} is no record`);
  return Object.fromEntries(
    type.fields.map((field) => {
      const fieldType = field.type;
      if (fieldType instanceof avro.types.ArrayType) {
        const items = fieldType.itemsType;
        return [
          field.name,
          items instanceof avro.types.RecordType ? fieldListOf(items) : 'required',
        ];
      }
      const nullable =
        fieldType instanceof avro.types.UnwrappedUnionType ||
        fieldType instanceof avro.types.WrappedUnionType
          ? fieldType.types.some((member) => member.typeName === 'null')
          : fieldType.typeName === 'null';
      return [field.name, nullable ? 'nullable' : 'required'];
    }),
  );
}

const origin = { ref: 'cdc:people:p-1', occurredAt: 1_700_000_000_000 };

const workMember: WorkMemberRecord = {
  personId: 'p-1',
  fullName: 'Ada Lovelace',
  title: 'CTO',
  department: 'engineering',
  seniority: 'c_level',
  role: 'decision_maker',
  score: 9.5,
  rationale: 'owns the budget',
  enrichment: '{}',
  research: null,
};

const cases: readonly {
  readonly file: string;
  readonly declared: Described;
  readonly sample: object;
}[] = [
  {
    file: 'person-change.avsc',
    declared: personChange,
    sample: {
      eventId: 'evt-1',
      source: 'acme',
      eventType: 'person.role_change',
      companyId: 'c-1',
      previousCompanyId: null,
      personId: 'p-1',
      changes: [{ field: 'title', before: 'CTO', after: null }],
      occurredAt: 1_700_000_000_000,
      receivedAt: 1_700_000_000_500,
      payload: '{}',
    } satisfies PersonChangeRecord,
  },
  {
    file: 'refresh-request.avsc',
    declared: refreshRequest,
    sample: {
      requestId: 'r-1',
      workspaceId: 'w-1',
      companyId: 'c-1',
      level: 'identify',
      reason: null,
      requestedBy: 'k-1',
      requestedAt: 1_700_000_000_000,
    } satisfies RefreshRequestRecord,
  },
  {
    file: 'company-touch.avsc',
    declared: companyTouch,
    sample: {
      companyId: 'c-1',
      level: null,
      reason: 'people.job_title changed',
      triggeredBy: 'cdc:people:p-1',
      origins: [origin],
      cooldownElapsed: false,
    } satisfies CompanyTouchRecord,
  },
  {
    file: 'buyer-group-work.avsc',
    declared: buyerGroupWork,
    sample: {
      companyId: 'c-1',
      workspaceId: 'w-1',
      generation: 42,
      level: 'enrich',
      reason: 'refresh',
      triggeredBy: 'api:r-1',
      origins: [origin],
      originCount: 1,
      discoveredAt: 1_700_000_000_000,
      confidence: 7.5,
      cohesion: 6,
      status: 'ready',
      costUsd: 0.25,
      companySummary: null,
      members: [workMember],
    } satisfies BuyerGroupWorkRecord,
  },
  {
    file: 'buyer-group.avsc',
    declared: buyerGroupState,
    sample: {
      companyId: 'c-1',
      workspaceId: 'w-1',
      generation: 42,
      level: 'enrich',
      confidence: 7.5,
      cohesion: 6,
      status: 'ready',
      computedAt: 1_700_000_000_000,
      members: [workMember],
      savedAt: 1_700_000_001_000,
      costUsd: 0.25,
      companySummary: 'A company.',
      origins: [origin],
    } satisfies BuyerGroupStateRecord,
  },
  {
    file: 'buyer-group-change.avsc',
    declared: buyerGroupChange,
    sample: {
      companyId: 'c-1',
      workspaceId: 'w-1',
      generation: 43,
      previousGeneration: null,
      level: 'enrich',
      savedAt: 1_700_000_001_000,
      added: [{ personId: 'p-2', fullName: null, role: 'champion' }],
      removed: [],
      roleChanged: [
        { personId: 'p-1', fullName: 'Ada', fromRole: 'influencer', toRole: 'decision_maker' },
      ],
      origins: [origin],
    } satisfies BuyerGroupChangeRecord,
  },
];

describe.each(cases)('the record type of $file', ({ file, declared, sample }) => {
  const type = typeOf(file);

  it('has the schema fields, each nullable exactly where the schema allows null', () => {
    expect(declared).toEqual(fieldListOf(type));
  });

  it('gives a valid Avro value', () => {
    const problems: string[] = [];
    const valid = type.isValid(sample, {
      errorHook: (at, value) => problems.push(`${at.join('.')}: ${JSON.stringify(value)}`),
    });
    expect(problems).toEqual([]);
    expect(valid).toBe(true);
  });
});

it('checks every schema under schemas/', () => {
  const files = readdirSync(SCHEMAS_DIR).filter((name) => name.endsWith('.avsc'));
  expect(cases.map((c) => c.file).sort()).toEqual(files.sort());
});
