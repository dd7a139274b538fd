/**
 * Valid webhook events, and guaranteed ways to break them: each breaker leaves an event the
 * source must refuse with 400, whatever the rest of it is (`refusedBy` checks it).
 */
import fc from 'fast-check';
import {
  EVENT_TYPES,
  parseWebhookEvent,
  type EventType,
} from '../../services/ingress/src/webhooks/events';
import {
  INFINITE,
  NEGATIVE_INFINITE,
  NOT_ACCEPTED,
  defineOwn,
  isRecord,
  nextId,
  type Body,
  type Target,
} from './webhook-fuzz';

const entityId = fc.stringMatching(/^[a-z][a-z0-9_]{0,29}$/);
const plainText = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .filter((text) => !text.includes('\u0000'));

export const validEvent: fc.Arbitrary<Body> = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    company: entityId,
    otherCompany: entityId,
    person: entityId,
    name: fc.option(plainText, { nil: null }),
    oldTitle: plainText,
    newTitle: plainText,
    timestamp: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
      .map((date) => date.toISOString()),
  })
  .map((p) => {
    const event: Body = {
      id: nextId('evt'),
      source: 'fuzz-provider',
      type: p.type,
      timestamp: p.timestamp,
      company: { id: p.company, name: 'Acme' },
    };
    const person = { id: p.person, name: p.name, oldTitle: p.oldTitle, newTitle: p.newTitle };
    const title = { old: p.oldTitle, new: p.newTitle };
    switch (p.type) {
      case 'person.role_change':
        return { ...event, person, changes: { title } };
      case 'person.promotion':
        return { ...event, person, changes: { title, seniority: { old: 'vp', new: 'c_level' } } };
      case 'person.department_change':
        return { ...event, person, changes: { department: { old: 'Sales', new: null } } };
      case 'person.company_change':
        return {
          ...event,
          person,
          changes: { company: { old: p.otherCompany, new: p.company }, title },
        };
      case 'company.acquisition':
        return { ...event, acquirer: { id: p.otherCompany, name: 'Buyer Inc' } };
      case 'company.restructuring':
        return event;
      case 'company.executive_turnover':
        return { ...event, person, changes: { title: { old: 'CEO', new: null } } };
    }
  });

/** Required field names of each person event's `changes`. */
const REQUIRED_CHANGE: Partial<Record<EventType, string>> = {
  'person.role_change': 'title',
  'person.promotion': 'title',
  'person.department_change': 'department',
  'person.company_change': 'company',
};

const wrongScalar = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant<unknown>([]),
  fc.constant<unknown>({}),
  fc.constantFrom(INFINITE, NEGATIVE_INFINITE),
  fc.array(fc.string(), { minLength: 1, maxLength: 3 }),
);
const wrongRequired = fc.oneof(wrongScalar, fc.constant(null));
const tooLong = (max: number) =>
  fc
    .tuple(fc.integer({ min: max + 1, max: max + 300 }), fc.constantFrom('x', 'é', ' ', '😀'))
    .map(([length, unit]) => unit.repeat(length));
const wrongOptionalText = (max: number) => fc.oneof(wrongScalar, tooLong(max));
const badEntityId = fc.oneof(wrongRequired, fc.constantFrom('', ' ', '\t\n '), tooLong(200));
const badEventId = fc.oneof(
  wrongRequired,
  fc.constantFrom('', 'a b', 'é', 'id/1', 'id#1', 'a\u0000b', '😀', '__proto__ x', 'x'.repeat(201)),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 30 })
    .filter((id) => !/^[A-Za-z0-9._:-]+$/.test(id)),
);
const badType = fc.oneof(
  wrongRequired,
  fc.constantFrom(
    'PERSON.ROLE_CHANGE',
    'person.role_change ',
    'person',
    '',
    '__proto__',
    'constructor',
    'toString',
  ),
  fc
    .string({ unit: 'binary', maxLength: 40 })
    .filter((type) => !(EVENT_TYPES as readonly string[]).includes(type)),
);
const badTimestamp = fc.oneof(
  wrongRequired,
  fc.constantFrom(
    '',
    'yesterday',
    '2025-10-10',
    '2025-10-10T12:00:00',
    '2025-13-10T12:00:00Z',
    '2025-10-10 12:00:00Z',
    '10/10/2025',
    'x'.repeat(1000),
  ),
);
const badObject = fc.oneof(
  fc.constantFrom<unknown>(null, 'x', 0, true, [], [{ id: 'p' }], INFINITE),
  fc.string(),
  fc.integer(),
);
const badFieldChange = fc.oneof(
  badObject,
  wrongScalar.map((old) => ({ old, new: null })),
  tooLong(2000).map((text) => ({ old: null, new: text })),
  fc.constantFrom({ old: 'a' }, { new: 'b' }, {}),
);
const badFieldName = fc.constantFrom(
  '1a',
  'a-b',
  'a b',
  '_x',
  'é',
  '',
  'x'.repeat(65),
  'a.b',
  '$ref',
);
const nonObjectBody = fc.constantFrom<unknown>([], 'event', 42, null, true, false, 0, '', INFINITE);

interface Mutation {
  readonly label: string;
  /** Returns the body to send (it may replace the event altogether). */
  readonly apply: (event: Body) => unknown;
}

function parentOf(event: Body, path: string[]): Body {
  let node = event;
  for (const key of path) {
    const next = node[key];
    if (!isRecord(next)) node[key] = {};
    node = node[key] as Body;
  }
  return node;
}
const setField = (path: string, value: unknown): Mutation => ({
  label: `set ${path}`,
  apply: (event) => {
    const parts = path.split('.');
    parentOf(event, parts.slice(0, -1))[parts[parts.length - 1] ?? ''] = value;
    return event;
  },
});
const dropField = (path: string): Mutation => ({
  label: `drop ${path}`,
  apply: (event) => {
    const parts = path.split('.');
    delete parentOf(event, parts.slice(0, -1))[parts[parts.length - 1] ?? ''];
    return event;
  },
});
const addChange = (label: string, field: string, value: unknown): Mutation => ({
  label,
  apply: (event) => {
    if (!isRecord(event.changes)) event.changes = {};
    (event.changes as Body)[field] = value;
    return event;
  },
});

/** Each one leaves an event the source must refuse with 400, whatever the rest of it is. */
export function breakers(type: EventType, target: Target): fc.Arbitrary<Mutation>[] {
  const list: fc.Arbitrary<Mutation>[] = [
    badEventId.map((value) => setField('id', value)),
    fc.constant(dropField('id')),
    badType.map((value) => setField('type', value)),
    fc.constant(dropField('type')),
    badTimestamp.map((value) => setField('timestamp', value)),
    fc.constant(dropField('timestamp')),
    badObject.map((value) => setField('company', value)),
    fc.constant(dropField('company')),
    badEntityId.map((value) => setField('company.id', value)),
    fc.constant(dropField('company.id')),
    wrongOptionalText(500).map((value) => setField('company.name', value)),
    badObject.map((value) => setField('person', value)),
    badEntityId.map((value) => setField('person.id', value)),
    fc
      .tuple(fc.constantFrom('name', 'oldTitle', 'newTitle'), wrongOptionalText(500))
      .map(([field, value]) => setField(`person.${field}`, value)),
    wrongOptionalText(320).map((value) => setField('person.email', value)),
    badObject.map((value) => setField('changes', value)),
    badFieldName.map((name) => addChange('bad change field name', name, { old: null, new: 'x' })),
    badFieldChange.map((value) => addChange('bad change value', 'extra_field', value)),
    fc.constant<Mutation>({
      label: 'too many changes',
      apply: (event) => {
        const changes: Body = isRecord(event.changes) ? event.changes : {};
        for (let i = 0; i <= 50; i += 1) changes[`field_${i}`] = { old: null, new: String(i) };
        event.changes = changes;
        return event;
      },
    }),
    nonObjectBody.map((value) => ({ label: 'not an object', apply: () => value })),
    fc.constant<Mutation>({ label: 'event in an array', apply: (event) => [event] }),
  ];
  const required = REQUIRED_CHANGE[type];
  if (required) {
    list.push(
      fc.constant(dropField('person')),
      fc.constant(dropField('changes')),
      fc.constant(dropField(`changes.${required}`)),
      badFieldChange.map((value) => setField(`changes.${required}`, value)),
    );
  }
  if (type === 'person.company_change') {
    list.push(
      fc.constant<Mutation>({
        label: 'company.id is not changes.company.new',
        apply: (event) => {
          const company = (event.changes as Body).company as Body;
          company.new = `${String(company.new)}_elsewhere`;
          return event;
        },
      }),
    );
  }
  if (type === 'company.acquisition') {
    list.push(
      badObject.map((value) => setField('acquirer', value)),
      badEntityId.map((value) => setField('acquirer.id', value)),
    );
  }
  if (target === 'std') list.push(fc.constant(setField('type', NOT_ACCEPTED)));
  return list;
}

/** `__proto__`, `constructor` and `prototype` keys wherever there is an object to put them in. */
export const pollution = fc.record({
  where: fc.constantFrom('', 'person', 'company', 'changes', 'acquirer'),
  key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
});
export function pollute(body: unknown, where: string, key: string): void {
  const target = where === '' ? body : isRecord(body) ? body[where] : undefined;
  if (!isRecord(target)) return;
  defineOwn(
    target,
    key,
    key === 'constructor' ? { prototype: { polluted: 'yes' } } : { polluted: 'yes' },
  );
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the source at `target` must refuse these bytes with 400 (decoded as it does). */
export function refusedBy(target: Target, bytes: Buffer): boolean {
  let body: unknown;
  try {
    body = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return true;
  }
  const parsed = parseWebhookEvent(body);
  return !parsed.ok || (target === 'std' && parsed.event.type === NOT_ACCEPTED);
}
