import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// avsc is what @kafkajs/confluent-schema-registry encodes with (a dependency of @bgs/platform):
// checking the record against the .avsc here catches a shape the producer would refuse.
import { Type, type Schema } from 'avsc';
import {
  companyKey,
  EVENT_TYPES,
  parseWebhookEvent,
  toPersonChange,
  type EventType,
  type WebhookEvent,
} from './events';

const SEED = {
  id: 'evt_test_001',
  source: 'test',
  type: 'person.role_change',
  timestamp: '2025-10-10T12:00:00Z',
  person: {
    id: 'person_123',
    name: 'John Doe',
    email: 'john@example.com',
    oldTitle: 'VP Sales',
    newTitle: 'CRO',
  },
  company: { id: 'company_456', name: 'Test Company' },
  changes: { title: { old: 'VP Sales', new: 'CRO' } },
};

type Body = Record<string, unknown>;

/** A valid body of each type; tests break one field at a time. */
const VALID: Record<EventType, Body> = {
  'person.role_change': SEED,
  'person.promotion': {
    ...SEED,
    type: 'person.promotion',
    changes: {
      title: { old: 'VP Sales', new: 'CRO' },
      seniority: { old: 'vp', new: 'c_level' },
    },
  },
  'person.department_change': {
    ...SEED,
    type: 'person.department_change',
    changes: { department: { old: 'Sales', new: null } },
  },
  'person.company_change': {
    ...SEED,
    type: 'person.company_change',
    company: { id: 'company_new', name: 'New Co' },
    changes: {
      company: { old: 'company_456', new: 'company_new' },
      title: { old: 'VP Sales', new: 'CRO' },
    },
  },
  'company.acquisition': {
    id: 'evt_acq_1',
    type: 'company.acquisition',
    timestamp: '2025-10-10T14:00:00+02:00',
    company: { id: 'company_456' },
    acquirer: { id: 'company_789', name: 'Buyer Inc' },
  },
  'company.restructuring': {
    id: 'evt_res_1',
    type: 'company.restructuring',
    timestamp: '2025-10-10T12:00:00.123Z',
    company: { id: 'company_456' },
  },
  'company.executive_turnover': {
    id: 'evt_exe_1',
    type: 'company.executive_turnover',
    timestamp: '2025-10-10T12:00:00Z',
    company: { id: 'company_456' },
    person: { id: 'person_123' },
    changes: { title: { old: 'CEO', new: null } },
  },
};

function parsed(body: unknown): WebhookEvent {
  const result = parseWebhookEvent(body);
  if (!result.ok) throw new Error(`expected a valid event, got ${result.field}: ${result.message}`);
  return result.event;
}

function fieldOf(body: unknown): string {
  const result = parseWebhookEvent(body);
  if (result.ok) throw new Error('expected the event to be refused');
  return result.field;
}

/** A copy of `body` with the dotted `path` set to `value` (or removed, for undefined). */
function withField(body: Body, path: string, value: unknown): Body {
  const copy = structuredClone(body);
  const keys = path.split('.');
  const last = keys.pop()!;
  let target: Body = copy;
  for (const key of keys) target = target[key] as Body;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

describe('parseWebhookEvent', () => {
  it('parses the predecessor seed payload', () => {
    expect(parsed(SEED)).toEqual(SEED);
  });

  it.each(EVENT_TYPES)('parses a valid %s event', (type) => {
    expect(parsed(VALID[type]).type).toBe(type);
  });

  it('strips unknown keys, at the top and inside', () => {
    const event = parsed({
      ...SEED,
      extra: { deeply: { nested: [1, 2, { junk: true }] } },
      person: { ...SEED.person, shoeSize: 44 },
    });
    expect(event).not.toHaveProperty('extra');
    expect(event.person).not.toHaveProperty('shoeSize');
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, undefined, 'text', 42, [SEED], true]) {
      expect(fieldOf(body)).toBe('(body)');
    }
  });

  it('names the accepted types when the type is unknown or missing', () => {
    for (const type of ['person.unknown', '', 42, undefined, null, { toString: null }]) {
      const result = parseWebhookEvent(withField(SEED, 'type', type));
      expect(result).toEqual({
        ok: false,
        field: 'type',
        message: expect.stringContaining('person.role_change, person.promotion'),
      });
    }
  });

  it.each([
    ['person.role_change', 'changes.title'],
    ['person.role_change', 'changes'],
    ['person.role_change', 'person'],
    ['person.role_change', 'person.id'],
    ['person.promotion', 'changes.title'],
    ['person.department_change', 'changes.department'],
    ['person.company_change', 'changes.company'],
    ['person.company_change', 'changes.company.old'],
    ['person.company_change', 'changes.company.new'],
    ['company.acquisition', 'company'],
    ['company.acquisition', 'company.id'],
    ['company.restructuring', 'id'],
    ['company.executive_turnover', 'timestamp'],
  ] as const)('%s without %s names that field', (type, path) => {
    expect(fieldOf(withField(VALID[type], path, undefined))).toBe(path);
  });

  it('does not need a person for company events', () => {
    expect(parsed(VALID['company.restructuring']).person).toBeUndefined();
  });

  it.each([
    ['id', 42],
    ['id', 'evt with spaces'],
    ['id', 'e'.repeat(201)],
    ['id', ''],
    ['timestamp', '2025-10-10T12:00:00'], // no offset
    ['timestamp', '2025-10-10'],
    ['timestamp', '2025-02-30T12:00:00Z'],
    ['timestamp', 1760097600000],
    ['person.id', '   '],
    ['person.id', 123],
    ['person.name', 'n'.repeat(501)],
    ['person.email', ['john@example.com']],
    ['company.id', ''],
    ['company.id', 'c'.repeat(201)],
    ['changes.title.new', 42],
    ['changes.title.new', { nested: { deeper: { deepest: [[[['junk']]]] } } }],
    ['changes.title.old', 'x'.repeat(2001)],
    ['changes.title', 'CRO'],
    ['changes.title', [{ old: 'a', new: 'b' }]],
    ['changes.other', 'just a string'],
    ['changes', [{ title: { old: 'a', new: 'b' } }]],
    ['person', [[[[[[[[[[]]]]]]]]]]],
  ])('refuses a bad %s (%j) and names it', (path, value) => {
    expect(fieldOf(withField(SEED, path, value))).toBe(path);
  });

  it('refuses a missing change value rather than treating it as null', () => {
    expect(fieldOf(withField(SEED, 'changes.title.new', undefined))).toBe('changes.title.new');
  });

  it('refuses odd field names and too many changed fields', () => {
    expect(fieldOf(withField(SEED, 'changes.bad name', { old: null, new: 'x' }))).toBe(
      'changes.bad name',
    );
    const many = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`field${i}`, { old: null, new: 'x' }]),
    );
    expect(fieldOf({ ...SEED, changes: { ...SEED.changes, ...many } })).toBe('changes');
  });

  it('refuses a company move whose company is not the new one', () => {
    const moved = VALID['person.company_change'];
    expect(fieldOf(withField(moved, 'company.id', 'company_456'))).toBe('company.id');
  });

  it('refuses a company move with a null company id', () => {
    const moved = VALID['person.company_change'];
    expect(fieldOf(withField(moved, 'changes.company.old', null))).toBe('changes.company.old');
  });

  it('neither pollutes Object.prototype nor crashes on __proto__ and constructor keys', () => {
    const hostile = JSON.parse(`{
      "__proto__": {"polluted": "top"},
      "constructor": {"prototype": {"polluted": "ctor"}},
      "id": "evt_1", "type": "person.role_change", "timestamp": "2025-10-10T12:00:00Z",
      "person": {"id": "p", "__proto__": {"polluted": "person"}},
      "company": {"id": "c", "constructor": {"prototype": {"polluted": "company"}}},
      "changes": {
        "title": {"old": null, "new": "CRO", "__proto__": {"polluted": "value"}},
        "__proto__": {"old": "a", "new": "b"},
        "constructor": {"old": "a", "new": "b"}
      }
    }`) as unknown;
    const result = parseWebhookEvent(hostile);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.event)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.event.changes)).toBe(Object.prototype);
    expect(Object.keys(result.event.changes ?? {}).sort()).toEqual(['constructor', 'title']);
    expect(toPersonChange(result.event, 's', 0, '').changes.map((c) => c.field)).toEqual([
      'constructor',
      'title',
    ]);
  });

  it('refuses a "type" inherited from the prototype', () => {
    const body = Object.create({ type: 'person.role_change' }) as Body;
    Object.assign(body, { ...SEED, type: undefined });
    delete body.type;
    expect(fieldOf(body)).toBe('type');
  });
});

describe('toPersonChange', () => {
  const personChangeType = Type.forSchema(
    JSON.parse(
      readFileSync(join(__dirname, '../../../../schemas/person-change.avsc'), 'utf8'),
    ) as Schema,
  );
  const RECEIVED_AT = Date.parse('2025-10-10T12:00:01.500Z');

  it('maps the seed payload to the PersonChange record', () => {
    const rawBody = JSON.stringify(SEED);
    const record = toPersonChange(parsed(SEED), 'acme', RECEIVED_AT, rawBody);
    expect(record).toEqual({
      eventId: 'evt_test_001',
      source: 'acme', // the configured source, not the body's
      eventType: 'person.role_change',
      companyId: 'company_456',
      previousCompanyId: null,
      personId: 'person_123',
      changes: [{ field: 'title', before: 'VP Sales', after: 'CRO' }],
      occurredAt: Date.parse('2025-10-10T12:00:00Z'),
      receivedAt: RECEIVED_AT,
      payload: rawBody,
    });
    expect(companyKey(parsed(SEED))).toBe('company_456');
  });

  it.each(EVENT_TYPES)('gives a record the Avro schema accepts for %s', (type) => {
    const record = toPersonChange(parsed(VALID[type]), 'acme', RECEIVED_AT, '{}');
    expect(personChangeType.isValid(record)).toBe(true);
    expect(personChangeType.fromBuffer(personChangeType.toBuffer(record))).toEqual(
      expect.objectContaining(record),
    );
  });

  it('fans a company move out to the old and the new company', () => {
    const event = parsed(VALID['person.company_change']);
    const record = toPersonChange(event, 'acme', RECEIVED_AT, '{}');
    expect(companyKey(event)).toBe('company_new');
    expect(record.companyId).toBe('company_new');
    expect(record.previousCompanyId).toBe('company_456');
    expect(record.changes).toEqual([
      { field: 'company', before: 'company_456', after: 'company_new' },
      { field: 'title', before: 'VP Sales', after: 'CRO' },
    ]);
  });

  it('sorts changes by field name, keeping nulls', () => {
    const event = parsed({
      ...SEED,
      changes: {
        title: { old: 'VP Sales', new: 'CRO' },
        Zeta: { old: null, new: 'z' },
        department: { old: 'Sales', new: null },
        alpha: { old: null, new: null },
      },
    });
    expect(toPersonChange(event, 's', 0, '').changes).toEqual([
      { field: 'Zeta', before: null, after: 'z' },
      { field: 'alpha', before: null, after: null },
      { field: 'department', before: 'Sales', after: null },
      { field: 'title', before: 'VP Sales', after: 'CRO' },
    ]);
  });

  it('reads the offset of the timestamp and gives no person or changes for a bare company event', () => {
    const record = toPersonChange(parsed(VALID['company.acquisition']), 's', 0, '');
    expect(record.occurredAt).toBe(Date.parse('2025-10-10T12:00:00Z'));
    expect(record.personId).toBeNull();
    expect(record.changes).toEqual([]);
  });
});
