/**
 * The webhook endpoint under fuzzing, against the real stack (Postgres claims, Kafka acks=all,
 * the schema registry): more than 5,000 random and mutated requests (methods, paths, headers,
 * content types and encodings, bodies of random bytes, invalid UTF-8, `__proto__` keys,
 * 5,000-deep nesting, wrong types for every field, huge strings, 1e309), mutations of validly
 * signed requests, and validly signed bodies that break the event schema.
 *
 * Zero 5xx, an answer to every request, no prototype pollution, the process still serving, and
 * nothing on person-changes or in webhook_events for any of it: only the control request sent
 * at the end. The `-edge` source gets validly signed, schema-valid but hostile events (deep
 * unknown keys, NUL, lone surrogates, gzip...): for those, every 202 must be on the topic and in
 * webhook_events exactly once, and nothing else may be.
 *
 * The generation is fast-check's, from a fixed seed: FUZZ_SEED=<n> replays another one.
 */
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { Topics } from '@bgs/platform';
import {
  EVENT_TYPES,
  parseWebhookEvent,
  type EventType,
  type PersonChangeRecord,
} from '../../services/ingress/src/webhooks/events';
import { startIngress, type RunningIngress } from '../helpers/ingress';
import { requireStack, uniqueName, withDatabase } from '../helpers/stack';
import { readTopic, type TopicReader } from '../helpers/topic-reader';

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_010);
const CONCURRENCY = 16;
const BODY_LIMIT = 256 * 1024;

/** Per category, how many requests fast-check generates. */
const COUNTS = { garbage: 2300, signedInvalid: 1500, mutated: 1000, edge: 400 } as const;

// Secrets follow from the seed, so a replay signs the same bytes.
const derived = (label: string): Buffer =>
  createHash('sha256').update(`fuzz:${SEED}:${label}`).digest();
const STANDARD_SECRET = `whsec_${derived('standard').toString('base64')}`;
const EDGE_SECRET = `whsec_${derived('edge').toString('base64')}`;
const STRANGER_SECRET = `whsec_${derived('stranger').toString('base64')}`;
const LEGACY_SECRET = derived('legacy').toString('hex');
const GITHUB_SECRET = derived('github').toString('hex');

const base = uniqueName('fuzz').toLowerCase();
const SRC = {
  std: base,
  legacy: `${base}-legacy`,
  github: `${base}-github`,
  edge: `${base}-edge`,
} as const;
type Target = 'std' | 'legacy' | 'github';
const ALL_SOURCES: readonly string[] = Object.values(SRC);

/** Valid for zod, but not among the fuzz source's event types: a signed 400 of its own kind. */
const NOT_ACCEPTED: EventType = 'company.executive_turnover';
const HIGH_RATE = { perSecond: 1_000_000 };
const declaration = {
  sources: {
    [SRC.std]: {
      scheme: 'standard-webhooks',
      secrets: [{ value: STANDARD_SECRET }],
      eventTypes: EVENT_TYPES.filter((type) => type !== NOT_ACCEPTED),
      rateLimit: HIGH_RATE,
    },
    [SRC.legacy]: {
      scheme: 'legacy-hmac',
      secrets: [{ value: LEGACY_SECRET }],
      rateLimit: HIGH_RATE,
    },
    [SRC.github]: { scheme: 'github', secrets: [{ value: GITHUB_SECRET }], rateLimit: HIGH_RATE },
    [SRC.edge]: {
      scheme: 'standard-webhooks',
      secrets: [{ value: EDGE_SECRET }],
      rateLimit: HIGH_RATE,
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Requests and what each must get

type Category = 'garbage' | 'signed-invalid' | 'mutated' | 'edge' | 'oversized' | 'control';

type Expectation =
  | { readonly kind: 'below-500' }
  | { readonly kind: 'not-2xx' }
  | { readonly kind: 'one-of'; readonly statuses: readonly number[] }
  /** Over Node's header limit: 431, or the connection closed on us. */
  | { readonly kind: 'oversized' };

interface FuzzRequest {
  readonly category: Category;
  /** What was done, for grouping failures. */
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly expect: Expectation;
  /** For signed events sent to the edge source: the event id, for the accounting. */
  readonly eventId?: string;
}

interface Outcome {
  readonly status?: number;
  readonly error?: string;
  readonly body: string;
}

const exactly = (...statuses: number[]): Expectation => ({ kind: 'one-of', statuses });

/** Null-prototype header maps: a header named `__proto__` is sent as a header, not swallowed. */
function headerMap(
  entries: Iterable<readonly [string, string | string[]]>,
): http.OutgoingHttpHeaders {
  const headers = Object.create(null) as http.OutgoingHttpHeaders;
  for (const [name, value] of entries) headers[name] = value;
  return headers;
}

/** Keeps the request under Node's 16 KiB header limit (only `oversized` means to exceed it). */
function fitHeaders(headers: http.OutgoingHttpHeaders, budget = 11_000): http.OutgoingHttpHeaders {
  const size = () =>
    Object.entries(headers).reduce(
      (sum, [name, value]) => sum + name.length + String(value ?? '').length + 4,
      0,
    );
  while (size() > budget) {
    const [largest] = Object.entries(headers).sort(
      (a, b) => String(b[1] ?? '').length - String(a[1] ?? '').length,
    );
    if (!largest) break;
    const value = largest[1];
    headers[largest[0]] = Array.isArray(value)
      ? value.map((item) => item.slice(0, Math.floor(item.length / 2)))
      : String(value ?? '').slice(0, Math.floor(String(value ?? '').length / 2));
  }
  return headers;
}

// ---------------------------------------------------------------------------------------------
// Signing (checked against the standardwebhooks package before the run)

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function standardSignature(secret: string, id: string, timestamp: string, body: Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

function standardHeaders(secret: string, id: string, body: Buffer, atSeconds = nowSeconds()) {
  const timestamp = String(atSeconds);
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': standardSignature(secret, id, timestamp, body),
  };
}

function legacyHeaders(secret: string, body: Buffer, atMs = Date.now()) {
  const signature = createHmac('sha256', secret).update(`${atMs}.`).update(body).digest('hex');
  return { 'x-signature': signature, 'x-timestamp': String(atMs) };
}

function githubHeaders(secret: string, body: Buffer) {
  return {
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

let sequence = 0;
/** Unique within the run (and across runs: the source name is in it). */
const nextId = (prefix: string): string => `${prefix}-${base}-${++sequence}`;

function signFor(target: Target, body: Buffer, id = nextId('msg')): Record<string, string> {
  switch (target) {
    case 'std':
      return standardHeaders(STANDARD_SECRET, id, body);
    case 'legacy':
      return legacyHeaders(LEGACY_SECRET, body);
    case 'github':
      return githubHeaders(GITHUB_SECRET, body);
  }
}

// ---------------------------------------------------------------------------------------------
// JSON text with what JSON.stringify cannot write: 1e309, nesting deeper than its stack

const rawTexts = new Map<string, string>();
/** A placeholder value that `render` replaces by `text`, verbatim. */
function raw(text: string): string {
  const key = `@@raw-${rawTexts.size}@@`;
  rawTexts.set(key, text);
  return key;
}
const INFINITE = raw('1e309');
const NEGATIVE_INFINITE = raw('-1e309');
const TINY = raw('1e-400');

function render(body: unknown, indent: 0 | 2 | '\t' = 0): string {
  let text = JSON.stringify(body, null, indent) ?? 'null';
  if (text.includes('@@raw-')) {
    text = text.replace(/"(@@raw-\d+@@)"/g, (match, key: string) => rawTexts.get(key) ?? match);
  }
  return text;
}

const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const deepObject = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
const deepMixed = (depth: number): string => '[{"a":'.repeat(depth) + 'null' + '}]'.repeat(depth);

/** Own enumerable keys, `__proto__` included, as JSON.parse would make them. */
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

type Body = Record<string, unknown>;
const isRecord = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------
// Valid events, and guaranteed ways to break them

const entityId = fc.stringMatching(/^[a-z][a-z0-9_]{0,29}$/);
const plainText = fc
  .string({ unit: 'grapheme', maxLength: 40 })
  .filter((text) => !text.includes('\u0000'));

const validEvent: fc.Arbitrary<Body> = fc
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
function breakers(type: EventType, target: Target): fc.Arbitrary<Mutation>[] {
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
const pollution = fc.record({
  where: fc.constantFrom('', 'person', 'company', 'changes', 'acquirer'),
  key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
});
function pollute(body: unknown, where: string, key: string): void {
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
function refusedBy(target: Target, bytes: Buffer): boolean {
  let body: unknown;
  try {
    body = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    return true;
  }
  const parsed = parseWebhookEvent(body);
  return !parsed.ok || (target === 'std' && parsed.event.type === NOT_ACCEPTED);
}

/** Generator self-checks: a "valid" event that is not, or a "broken" one that is not. */
const generatorProblems: string[] = [];

// ---------------------------------------------------------------------------------------------
// Arbitraries of requests

const HEADER_CHAR = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((code) => code !== 0x7f)
  .map((code) => String.fromCharCode(code));
const headerValue = (maxLength = 200) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: HEADER_CHAR, maxLength }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        'null',
        'undefined',
        '0',
        '-1',
        '1e309',
        'NaN',
        '9'.repeat(40),
        '__proto__',
        'v1,',
        'v1, v1,',
        `v1,${'A'.repeat(43)}=`,
        'sha256=',
        `sha256=${'0'.repeat(64)}`,
        '0'.repeat(64),
      ),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 6000 }).map((n) => 'A'.repeat(n)) },
  );

const RESERVED_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-connection',
  'content-type',
  'content-encoding',
]);
const headerName = fc.oneof(
  fc.stringMatching(/^[a-z0-9!#$%&'*+.^_`|~-]{1,24}$/),
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'hasownproperty',
    'tostring',
    'traceparent',
  ),
);
const extraHeaders = fc.array(
  fc.tuple(
    headerName.filter((name) => !RESERVED_HEADERS.has(name)),
    headerValue(300),
  ),
  { maxLength: 5 },
);

const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const signatureGarbage = fc.record(
  {
    'webhook-id': fc.oneof(headerValue(), fc.stringMatching(/^msg_[A-Za-z0-9]{1,30}$/)),
    'webhook-timestamp': fc.oneof(
      headerValue(40),
      fc.integer({ min: -1e6, max: 1e6 }).map((skew) => String(nowSeconds() + skew)),
      fc.integer().map(String),
    ),
    'webhook-signature': fc.oneof(
      headerValue(),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => `v1,${base64Of(bytes)}`),
      fc
        .array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 2, maxLength: 40 })
        .map((list) => list.map((bytes) => `v1,${base64Of(bytes)}`).join(' ')),
      fc.array(headerValue(80), { minLength: 2, maxLength: 4 }), // repeated header lines
    ),
    'x-signature': fc.oneof(headerValue(), fc.stringMatching(/^[0-9a-f]{64}$/)),
    'x-timestamp': fc.oneof(headerValue(40), fc.constant(String(Date.now()))),
    'x-hub-signature-256': fc.oneof(
      headerValue(),
      fc.stringMatching(/^[0-9a-fA-F]{64}$/).map((hex) => `sha256=${hex}`),
    ),
  },
  { requiredKeys: [] },
);

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/json;charset=latin1',
      'application/json; charset="',
      'application/json, text/plain',
      'application/json; q=0.5; a=b; a=c',
      'text/plain',
      'text/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=--x',
      'application/*',
      '*/*',
      'application/vnd.api+json',
      '',
      ';',
      '/',
    ),
  },
  { weight: 1, arbitrary: headerValue(100) },
);
const contentEncoding = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'gzip',
      'deflate',
      'br',
      'zstd',
      'identity',
      'x-gzip',
      'compress',
      'GZIP',
      'gzip, deflate',
      'aes128gcm',
    ),
  },
);

const method = fc.oneof(
  { weight: 12, arbitrary: fc.constant('POST') },
  { weight: 4, arbitrary: fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom('PURGE', 'PROPFIND', 'SEARCH', 'LOCK') },
);

/** encodeURIComponent throws on lone surrogates; those become a plain letter. */
const encodeSegment = (text: string): string => {
  try {
    return encodeURIComponent(text);
  } catch {
    return 'x';
  }
};
const pathSegment = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...ALL_SOURCES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      SRC.std.toUpperCase(),
      `${SRC.std}%20`,
      SRC.std.replace('f', '%66'),
      '',
      '.',
      '..',
      '%2e%2e',
      '%',
      '%E0%A4%A',
      '%ZZ',
      '%00',
      '%C0%AF',
      '%FF',
      `${SRC.std}%2F..`,
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'toString',
      'prototype',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map(encodeSegment) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/) },
);
const pathSuffix = fc.constantFrom(
  '',
  '',
  '',
  '',
  '/',
  '/extra',
  '?x=1',
  '?__proto__[polluted]=1&constructor[prototype][polluted]=1',
  `?${'a=1&'.repeat(250)}`,
  '#fragment',
  '/..',
  ';jsessionid=1',
);
const requestPath = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .tuple(pathSegment, pathSuffix)
      .map(([segment, suffix]) => `/webhooks/${segment}${suffix}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/',
      '*',
      '/webhooks',
      '/webhooks/',
      `//webhooks/${SRC.std}`,
      `/WEBHOOKS/${SRC.std}`,
      `/webhooks/${SRC.std}/`,
      `/webhooks/%2F${SRC.std}`,
      '/api/v1/refresh',
      '/metrics',
      '/%',
    ),
  },
);

interface BodyCase {
  readonly label: string;
  readonly bytes: Buffer;
}
const text = (label: string, body: string): BodyCase => ({
  label,
  bytes: Buffer.from(body, 'utf8'),
});
const DEPTHS = [10, 100, 1000, 5000, 20_000] as const;

/** Inserts bytes that can never be UTF-8 into otherwise good JSON. */
const invalidUtf8 = fc
  .tuple(
    validEvent,
    fc.nat(),
    fc.constantFrom(
      [0xff],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xc3, 0x28],
      [0xe2, 0x82],
    ),
  )
  .map(([event, at, bad]): BodyCase => {
    const json = Buffer.from(render(event), 'utf8');
    const position = at % (json.length + 1);
    return {
      label: 'invalid utf-8',
      bytes: Buffer.concat([json.subarray(0, position), Buffer.from(bad), json.subarray(position)]),
    };
  });

const POLLUTION_BODIES = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  '{"a":[{"__proto__":{"polluted":"yes"}}]}',
  '[{"__proto__":{"polluted":"yes"}}]',
  '{"__proto__":null}',
  '{"__proto__":[]}',
  '{"type":"person.role_change","__proto__":{"type":"company.acquisition","polluted":"yes"}}',
];

const NUMBER_BODIES = [
  '1e309',
  '-1e309',
  '{"n":1e309}',
  '{"id":1e309,"type":1e309,"timestamp":1e309}',
  '[1e309, -1e309, 1e-400, -0]',
  '1'.repeat(400),
  '0e-999999',
  'NaN',
  'Infinity',
  '{"n":NaN}',
  '{"n":0x10}',
];

const UNICODE_BODIES = [
  '{"id":"\\ud800","type":"\\udfff\\ud800","person":{"name":"\\u0000"}}',
  '{"type":"person.role_change","id":"\u202e\u200b","company":{"id":"\ufeff"}}',
  '\ufeff{"a":1}',
  '"\\u0000"',
  '{"\\u0000":"\\u0000"}',
  `{"name":"${'😀'.repeat(1000)}"}`,
];

const garbageBody: fc.Arbitrary<BodyCase> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(text('empty', '')) },
  {
    weight: 4,
    arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => ({
      label: 'random bytes',
      bytes: Buffer.from(bytes),
    })),
  },
  { weight: 2, arbitrary: invalidUtf8 },
  {
    weight: 3,
    arbitrary: fc
      .json({ depthSize: 'medium', stringUnit: 'binary' })
      .map((json) => text('random json', json)),
  },
  {
    weight: 2,
    arbitrary: fc.string({ unit: 'binary', maxLength: 500 }).map((s) => text('random text', s)),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...POLLUTION_BODIES).map((s) => text('__proto__ keys', s)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(deepArray, deepObject, deepMixed), fc.constantFrom(...DEPTHS))
      .map(([deep, depth]) => text(`nesting ${depth} deep`, deep(depth))),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(100_000, BODY_LIMIT - 20, BODY_LIMIT + 1, 300_000, 1_000_000)
      .map((size) => text(`huge string (${size})`, `{"id":"${'x'.repeat(size)}"}`)),
  },
  { weight: 1, arbitrary: fc.constantFrom(...NUMBER_BODIES).map((s) => text('odd numbers', s)) },
  { weight: 1, arbitrary: fc.constantFrom(...UNICODE_BODIES).map((s) => text('odd unicode', s)) },
  { weight: 2, arbitrary: validEvent.map((event) => text('valid event, unsigned', render(event))) },
);

/** Random everything: nothing may be accepted, nothing may be a 5xx. */
const garbageRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method,
    path: requestPath,
    type: contentType,
    encoding: contentEncoding,
    signature: signatureGarbage,
    extra: extraHeaders,
    body: garbageBody,
  })
  .map(({ method, path, type, encoding, signature, extra, body }) => {
    const headers = headerMap([
      ...extra,
      ...Object.entries(signature).filter(
        (entry): entry is [string, string | string[]] => entry[1] !== undefined,
      ),
    ]);
    if (type !== undefined) headers['content-type'] = type;
    if (encoding !== undefined) headers['content-encoding'] = encoding;
    const safe = ['GET', 'HEAD', 'OPTIONS'].includes(method);
    return {
      category: 'garbage',
      label: [
        body.label,
        encoding ? `content-encoding ${encoding}` : '',
        undecodable(path) ? 'undecodable path' : '',
      ]
        .filter(Boolean)
        .join(' + '),
      method,
      path,
      headers: fitHeaders(headers),
      body: body.bytes,
      expect: safe ? { kind: 'below-500' } : { kind: 'not-2xx' },
    };
  });

const target = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Target>('std') },
  { weight: 2, arbitrary: fc.constant<Target>('legacy') },
  { weight: 2, arbitrary: fc.constant<Target>('github') },
);
const jsonType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
);

function signedPost(
  category: Category,
  label: string,
  to: Target,
  body: Buffer,
  type: string,
  expect: Expectation,
): FuzzRequest {
  return {
    category,
    label,
    method: 'POST',
    path: `/webhooks/${SRC[to]}`,
    headers: headerMap(Object.entries({ 'content-type': type, ...signFor(to, body) })),
    body,
    expect,
  };
}

/** A schema-breaking event, signed, so it passes the signature and must get 400. */
const brokenEvent: fc.Arbitrary<FuzzRequest> = fc
  .tuple(validEvent, target)
  .chain(([event, to]) =>
    fc.record({
      event: fc.constant(event),
      to: fc.constant(to),
      mutation: fc.oneof(...breakers(event.type as EventType, to)),
      pollution: fc.oneof(
        { weight: 2, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: pollution },
      ),
      deep: fc.oneof(
        { weight: 9, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.constantFrom(deepArray, deepObject), fc.constantFrom(1000, 5000)),
        },
      ),
      indent: fc.constantFrom<0 | 2 | '\t'>(0, 0, 0, 2, '\t'),
      type: jsonType,
    }),
  )
  .map(({ event, to, mutation, pollution: where, deep, indent, type }) => {
    const body = mutation.apply(event);
    if (where) pollute(body, where.where, where.key);
    if (deep && isRecord(body)) body.nested = raw(deep[0](deep[1]));
    const json = render(body, indent);
    if (!refusedBy(to, Buffer.from(json, 'utf8')))
      generatorProblems.push(`still valid after "${mutation.label}": ${json.slice(0, 300)}`);
    const extras = [where ? `${where.key} in ${where.where || 'body'}` : '', deep ? 'deep' : ''];
    return signedPost(
      'signed-invalid',
      [mutation.label, ...extras].filter(Boolean).join(' + '),
      to,
      Buffer.from(json, 'utf8'),
      type,
      exactly(400),
    );
  });

/** Signed bodies that are not JSON objects at all: also 400. */
const signedJunk: fc.Arbitrary<FuzzRequest> = fc
  .tuple(
    fc.oneof(
      garbageBody.filter(
        (body) => body.bytes.length < BODY_LIMIT && body.label !== 'valid event, unsigned',
      ),
      fc
        .constantFrom('{"id":', '{}}', '{"a":1,}', "{'a':1}", '{"a":1} x', ' ')
        .map((s) => text('malformed json', s)),
    ),
    target,
  )
  .map(([body, to]) => {
    if (!refusedBy(to, body.bytes)) {
      generatorProblems.push(
        `signed junk is a valid event: ${body.bytes.toString('utf8').slice(0, 200)}`,
      );
    }
    return signedPost(
      'signed-invalid',
      `signed ${body.label}`,
      to,
      body.bytes,
      'application/json',
      exactly(400),
    );
  });

// A validly signed request, then one thing changed: nothing may be accepted.
interface Signed {
  readonly to: Target;
  readonly body: Buffer;
  readonly headers: Record<string, string>;
}
type Change = {
  readonly label: string;
  readonly expect: Expectation;
  readonly apply: (signed: Signed) => Partial<FuzzRequest>;
};

const flipChar = (value: string, index: number, alphabet: string): string => {
  const at = index % value.length;
  const current = value[at] ?? '';
  const options = alphabet.split('').filter((c) => c.toLowerCase() !== current.toLowerCase());
  const replacement = options[index % options.length] ?? 'x';
  return value.slice(0, at) + replacement + value.slice(at + 1);
};
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const HEX = '0123456789abcdef';
const with_ = (signed: Signed, headers: Record<string, string | string[] | undefined>) =>
  headerMap(
    Object.entries({ 'content-type': 'application/json', ...signed.headers, ...headers }).filter(
      ([, value]) => value !== undefined,
    ) as [string, string | string[]][],
  );
const reSigned = (signed: Signed, headers: Record<string, string>) => ({
  headers: with_(signed, headers),
});

function changesFor(to: Target): fc.Arbitrary<Change>[] {
  const unauthorized = exactly(401);
  const common: fc.Arbitrary<Change>[] = [
    fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => ({
      label: 'body byte flipped',
      expect: unauthorized,
      apply: (s) => {
        const body = Buffer.from(s.body);
        const index = at % body.length;
        body[index] = (body[index] ?? 0) ^ mask;
        return { body };
      },
    })),
    fc.constantFrom(' ', '\n', '\u0000', '}', ',{}').map((tail) => ({
      label: 'body extended',
      expect: unauthorized,
      apply: (s) => ({ body: Buffer.concat([s.body, Buffer.from(tail)]) }),
    })),
    fc.nat().map((cut) => ({
      label: 'body truncated',
      expect: unauthorized,
      apply: (s) => ({ body: s.body.subarray(0, cut % s.body.length) }),
    })),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'text/json',
        'application/jsonp',
        undefined,
      )
      .map((type) => ({
        label: `content-type ${type ?? 'missing'}`,
        expect: exactly(415),
        apply: (s) => ({ headers: with_(s, { 'content-type': type }) }),
      })),
    fc
      .constantFrom('gzip', 'deflate', 'br', 'x-gzip', 'compress', 'zstd', 'gzip, identity')
      .map((encoding) => ({
        label: `content-encoding ${encoding}, body not encoded`,
        expect: exactly(400, 415),
        apply: (s) => ({ headers: with_(s, { 'content-encoding': encoding }) }),
      })),
    fc.constantFrom('PUT', 'PATCH', 'DELETE').map((verb) => ({
      label: `method ${verb}`,
      expect: exactly(404),
      apply: () => ({ method: verb }),
    })),
    fc.constant<Change>({
      label: 'method GET',
      expect: exactly(200),
      apply: () => ({ method: 'GET' }),
    }),
    fc.constantFrom('upper', '/extra', 'unknown').map((how) => ({
      label: `path ${how}`,
      expect: exactly(404),
      apply: (s) => ({
        path:
          how === 'upper'
            ? `/webhooks/${SRC[s.to].toUpperCase()}`
            : how === 'unknown'
              ? `/webhooks/${SRC[s.to]}-unknown`
              : `/webhooks/${SRC[s.to]}/extra`,
      }),
    })),
    fc
      .constantFrom<Target | 'edge'>('std', 'legacy', 'github', 'edge')
      .filter((other) => other !== to)
      .map((other) => ({
        label: `sent to the ${other} source`,
        expect: unauthorized,
        apply: () => ({ path: `/webhooks/${other === 'edge' ? SRC.edge : SRC[other]}` }),
      })),
  ];
  if (to === 'std') {
    return [
      ...common,
      fc.nat().map((index) => ({
        label: 'signature character flipped',
        expect: unauthorized,
        apply: (s) => {
          const signature = s.headers['webhook-signature'] ?? '';
          // Positions 3..42 only: the last character's low bits are padding.
          return reSigned(s, {
            'webhook-signature': `v1,${flipChar(signature.slice(3), index % 40, B64)}`,
          });
        },
      })),
      fc.nat().map((index) => ({
        label: 'timestamp digit changed',
        expect: unauthorized,
        apply: (s) =>
          reSigned(s, {
            'webhook-timestamp': flipChar(
              s.headers['webhook-timestamp'] ?? '',
              index,
              '0123456789',
            ),
          }),
      })),
      fc
        .constantFrom('1e9', ' 0', '-1', '0x10', '9'.repeat(13), '', '1760000000.5')
        .map((timestamp) => ({
          label: 'timestamp garbage',
          expect: unauthorized,
          apply: (s) => reSigned(s, { 'webhook-timestamp': timestamp }),
        })),
      // Not a space: the server trims it, and the id is the signed one again.
      fc.constantFrom('x', 'X', '.', '%').map((tail) => ({
        label: 'webhook-id changed',
        expect: unauthorized,
        apply: (s) => reSigned(s, { 'webhook-id': `${s.headers['webhook-id'] ?? ''}${tail}` }),
      })),
      fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature').map((name) => ({
        label: `${name} missing`,
        expect: unauthorized,
        apply: (s) => ({ headers: with_(s, { [name]: undefined }) }),
      })),
      fc.constantFrom('webhook-id', 'webhook-timestamp').map((name) => ({
        label: `${name} repeated`,
        expect: unauthorized,
        apply: (s) => ({
          headers: with_(s, { [name]: [s.headers[name] ?? '', s.headers[name] ?? ''] }),
        }),
      })),
      fc.constantFrom(-600, 600, -86_400, 10 ** 9).map((skew) => ({
        label: `signed ${skew} s off`,
        expect: unauthorized,
        apply: (s) => {
          const id = s.headers['webhook-id'] ?? 'x';
          return reSigned(s, standardHeaders(STANDARD_SECRET, id, s.body, nowSeconds() + skew));
        },
      })),
      fc.constant<Change>({
        label: 'wrong secret',
        expect: unauthorized,
        apply: (s) =>
          reSigned(s, standardHeaders(STRANGER_SECRET, s.headers['webhook-id'] ?? 'x', s.body)),
      }),
      fc.constantFrom('v2,', 'V1,', '', 'v1 ', 'v1,,').map((prefix) => ({
        label: `signature version "${prefix}"`,
        expect: unauthorized,
        apply: (s) =>
          reSigned(s, {
            'webhook-signature': `${prefix}${(s.headers['webhook-signature'] ?? '').slice(3)}`,
          }),
      })),
      fc.constant<Change>({
        label: 'signature padding stripped',
        expect: unauthorized,
        apply: (s) =>
          reSigned(s, {
            'webhook-signature': (s.headers['webhook-signature'] ?? '').replace(/=+$/, ''),
          }),
      }),
    ];
  }
  if (to === 'legacy') {
    return [
      ...common,
      fc.nat().map((index) => ({
        label: 'x-signature digit flipped',
        expect: unauthorized,
        apply: (s) =>
          reSigned(s, { 'x-signature': flipChar(s.headers['x-signature'] ?? '', index, HEX) }),
      })),
      fc.constantFrom(1, -1, 1000).map((delta) => ({
        label: `x-timestamp moved by ${delta} ms`,
        expect: unauthorized,
        apply: (s) =>
          reSigned(s, { 'x-timestamp': String(Number(s.headers['x-timestamp']) + delta) }),
      })),
      fc.constant<Change>({
        label: 'x-timestamp in seconds',
        expect: unauthorized,
        apply: (s) =>
          reSigned(s, {
            'x-timestamp': String(Math.floor(Number(s.headers['x-timestamp']) / 1000)),
          }),
      }),
      fc.constantFrom('x-signature', 'x-timestamp').map((name) => ({
        label: `${name} missing`,
        expect: unauthorized,
        apply: (s) => ({ headers: with_(s, { [name]: undefined }) }),
      })),
      fc.constant<Change>({
        label: 'sha256= prefix',
        expect: unauthorized,
        apply: (s) => reSigned(s, { 'x-signature': `sha256=${s.headers['x-signature'] ?? ''}` }),
      }),
    ];
  }
  return [
    ...common,
    fc.nat().map((index) => ({
      label: 'x-hub-signature-256 digit flipped',
      expect: unauthorized,
      apply: (s) => {
        const hex = (s.headers['x-hub-signature-256'] ?? '').slice('sha256='.length);
        return reSigned(s, { 'x-hub-signature-256': `sha256=${flipChar(hex, index, HEX)}` });
      },
    })),
    fc.constantFrom('sha1=', 'SHA256=', '', 'sha256 =').map((prefix) => ({
      label: `signature prefix "${prefix}"`,
      expect: unauthorized,
      apply: (s) =>
        reSigned(s, {
          'x-hub-signature-256': `${prefix}${(s.headers['x-hub-signature-256'] ?? '').slice(7)}`,
        }),
    })),
    fc.constant<Change>({
      label: 'x-hub-signature-256 missing',
      expect: unauthorized,
      apply: (s) => ({ headers: with_(s, { 'x-hub-signature-256': undefined }) }),
    }),
  ];
}

const mutatedRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(validEvent, target)
  .filter(([event, to]) => !(to === 'std' && event.type === NOT_ACCEPTED))
  .chain(([event, to]) =>
    fc.record({
      event: fc.constant(event),
      to: fc.constant(to),
      change: fc.oneof(...changesFor(to)),
    }),
  )
  .map(({ event, to, change }) => {
    const json = render(event);
    if (refusedBy(to, Buffer.from(json, 'utf8')))
      generatorProblems.push(`valid event refused: ${json.slice(0, 300)}`);
    const body = Buffer.from(json, 'utf8');
    const signed: Signed = { to, body, headers: signFor(to, body) };
    return {
      category: 'mutated',
      label: `${to}: ${change.label}`,
      method: 'POST',
      path: `/webhooks/${SRC[to]}`,
      headers: with_(signed, {}),
      body,
      expect: change.expect,
      ...change.apply(signed),
    };
  });

/**
 * Valid, signed events for the edge source, with something hostile about them that the schema
 * allows (or strips): whatever the answer, never a 5xx, and every 202 must be on the topic.
 */
interface EdgeCase {
  readonly label: string;
  readonly expect: Expectation;
  /** Changes the event before it is rendered. */
  readonly event?: (event: Body) => void;
  /** Changes the request after it is signed. */
  readonly request?: (request: FuzzRequest, json: string) => Partial<FuzzRequest>;
}
const acceptedOrRefused = exactly(202, 400);
const accepted = exactly(202);
const edgeCases: fc.Arbitrary<EdgeCase> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(deepArray, deepObject, deepMixed),
      fc.constantFrom(100, 1000, 3000, 5000, 20_000),
    )
    .map(([deep, depth]): EdgeCase => ({
      label: `unknown key nested ${depth} deep (${deep.name})`,
      expect: acceptedOrRefused,
      event: (event) => {
        event.extra = raw(deep(depth));
      },
    })),
  fc
    .tuple(
      fc.constantFrom('', 'person', 'company', 'changes', 'acquirer'),
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
    )
    .map(([where, key]): EdgeCase => ({
      label: `${key} key in ${where || 'body'}`,
      expect: acceptedOrRefused,
      event: (event) => pollute(event, where, key),
    })),
  fc.constant<EdgeCase>({
    label: '__proto__ change in changes',
    expect: acceptedOrRefused,
    event: (event) => {
      if (!isRecord(event.changes)) event.changes = {};
      defineOwn(event.changes as Body, '__proto__', { old: 'x', new: 'y' });
    },
  }),
  fc.constantFrom('person.name', 'company.name', 'extra').map((where): EdgeCase => ({
    label: `NUL character in ${where}`,
    expect: acceptedOrRefused,
    event: (event) => {
      const [parent, key] = where.includes('.') ? where.split('.') : ['', where];
      const node = parent ? event[parent ?? ''] : event;
      if (isRecord(node)) node[key ?? 'extra'] = 'before\u0000after';
    },
  })),
  fc.constantFrom('\ud800', '\udfff', 'a\ud83d').map((lone): EdgeCase => ({
    label: `lone surrogate ${JSON.stringify(lone)} in company.name`,
    expect: acceptedOrRefused,
    event: (event) => {
      (event.company as Body).name = `name${lone}`;
    },
  })),
  fc.constant<EdgeCase>({
    label: 'numbers JSON.stringify cannot write (1e309, 1e-400)',
    expect: acceptedOrRefused,
    event: (event) => {
      event.big = INFINITE;
      event.small = TINY;
    },
  }),
  fc.constantFrom(10_000, 200_000).map((size): EdgeCase => ({
    label: `unknown key with a ${size}-character string`,
    expect: acceptedOrRefused,
    event: (event) => {
      event.padding = 'p'.repeat(size);
    },
  })),
  fc.constant<EdgeCase>({
    label: '100 unknown keys with odd names',
    expect: acceptedOrRefused,
    event: (event) => {
      for (let i = 0; i < 100; i += 1) event[`${['$', '__', '', ' ', '\u202e'][i % 5]}k${i}`] = i;
    },
  }),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
    .filter((name) => !name.includes('\u0000'))
    .map((name): EdgeCase => ({
      label: 'unicode names',
      expect: acceptedOrRefused,
      event: (event) => {
        (event.company as Body).name = name;
        if (isRecord(event.person)) event.person.name = [...name].reverse().join('');
      },
    })),
  fc.constant<EdgeCase>({
    label: 'byte order mark before the JSON',
    expect: acceptedOrRefused,
    request: (_request, json) => {
      const body = Buffer.from(`\ufeff${json}`, 'utf8');
      return { body, headers: edgeHeaders(body) };
    },
  }),
  fc.constantFrom('gzip', 'deflate').map((encoding): EdgeCase => ({
    label: `content-encoding ${encoding}, body encoded`,
    expect: accepted,
    request: (request) => ({
      headers: headerMap([
        ...Object.entries(request.headers as Record<string, string>),
        ['content-encoding', encoding],
      ]),
      body: encoding === 'gzip' ? gzipSync(request.body) : deflateSync(request.body),
    }),
  })),
  fc
    .constantFrom(
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json;charset=UTF-8',
    )
    .map((type): EdgeCase => ({
      label: `content-type ${type}`,
      expect: accepted,
      request: (request) => ({
        headers: headerMap([
          ...Object.entries(request.headers as Record<string, string>),
          ['content-type', type],
        ]),
      }),
    })),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((junk): EdgeCase => ({
    label: 'webhook-signature repeated: junk line, then the good one',
    expect: accepted,
    request: (request) => ({
      headers: headerMap([
        ...Object.entries(request.headers as Record<string, string>),
        [
          'webhook-signature',
          [`v1,${base64Of(junk)}`, String(request.headers['webhook-signature'])],
        ],
      ]),
    }),
  })),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((junk): EdgeCase => ({
    label: 'several signatures, the good one last',
    expect: accepted,
    request: (request) => ({
      headers: headerMap([
        ...Object.entries(request.headers as Record<string, string>),
        [
          'webhook-signature',
          `v2,${base64Of(junk)} v1,${base64Of(junk)} ${String(request.headers['webhook-signature'])}`,
        ],
      ]),
    }),
  })),
  fc.constant<EdgeCase>({
    label: 'signature with non-zero padding bits (same bytes, other spelling)',
    expect: exactly(202, 401),
    request: (request) => {
      const signature = String(request.headers['webhook-signature']);
      // 32 bytes: 43 characters and "="; the 43rd carries 2 unused bits.
      const last = signature.at(-2) ?? 'A';
      const index = B64.indexOf(last);
      const twin = B64[(index & ~3) | ((index + 1) & 3)] ?? last;
      return {
        headers: headerMap([
          ...Object.entries(request.headers as Record<string, string>),
          ['webhook-signature', `${signature.slice(0, -2)}${twin}=`],
        ]),
      };
    },
  }),
  fc.string({ unit: HEADER_CHAR, maxLength: 200 }).map((junk): EdgeCase => ({
    label: 'junk traceparent',
    expect: accepted,
    request: (request) => ({
      headers: headerMap([
        ...Object.entries(request.headers as Record<string, string>),
        ['traceparent', junk],
      ]),
    }),
  })),
);

function edgeHeaders(body: Buffer): http.OutgoingHttpHeaders {
  return headerMap(
    Object.entries({
      'content-type': 'application/json',
      ...standardHeaders(EDGE_SECRET, nextId('msg'), body),
    }),
  );
}

const edgeRequest: fc.Arbitrary<FuzzRequest> = fc
  .tuple(validEvent, edgeCases)
  .map(([event, edge]) => {
    edge.event?.(event);
    const json = render(event);
    const body = Buffer.from(json, 'utf8');
    const request: FuzzRequest = {
      category: 'edge',
      label: edge.label,
      method: 'POST',
      path: `/webhooks/${SRC.edge}`,
      headers: edgeHeaders(body),
      body,
      expect: edge.expect,
      eventId: String(event.id),
    };
    return { ...request, ...edge.request?.(request, json) };
  });

/** Over Node's 16 KiB of headers: 431, or the connection closed. Never the app's business. */
function oversizedRequests(): FuzzRequest[] {
  const body = Buffer.from('{}');
  const many = headerMap(
    Array.from({ length: 400 }, (_, i) => [`x-filler-${i}`, 'y'.repeat(40)] as const),
  );
  return [
    ...[17_000, 40_000, 100_000].flatMap((size) =>
      (['webhook-signature', 'webhook-id', 'x-anything', 'content-type'] as const).map((name) => ({
        label: `${name} of ${size} bytes`,
        headers: headerMap([[name, 'A'.repeat(size)]]),
      })),
    ),
    { label: '400 headers', headers: many },
  ].map(({ label, headers }) => ({
    category: 'oversized' as const,
    label,
    method: 'POST',
    path: `/webhooks/${SRC.std}`,
    headers,
    body,
    expect: { kind: 'oversized' as const },
  }));
}

// ---------------------------------------------------------------------------------------------
// Sending

function withLength(headers: http.OutgoingHttpHeaders, body: Buffer): http.OutgoingHttpHeaders {
  const framed = headerMap(Object.entries(headers) as [string, string | string[]][]);
  framed['content-length'] = String(body.length);
  return framed;
}

/** A path whose percent-encoding does not decode (the router cannot decode its parameter). */
function undecodable(path: string): boolean {
  try {
    decodeURIComponent(path.split('?')[0] ?? '');
    return false;
  } catch {
    return true;
  }
}

function send(agent: http.Agent, port: number, request: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    let client: http.ClientRequest;
    try {
      client = http.request(
        {
          agent,
          host: '127.0.0.1',
          port,
          method: request.method,
          path: request.path,
          // Explicit, or Node sends a GET/DELETE/OPTIONS body unframed and it poisons the
          // keep-alive connection for the next request.
          headers: withLength(request.headers, request.body),
          timeout: 30_000,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < 4096) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () =>
            settle({
              status: response.statusCode,
              body: Buffer.concat(chunks).toString('utf8').slice(0, 400),
            }),
          );
          response.on('error', (error: NodeJS.ErrnoException) =>
            settle({ status: response.statusCode, error: error.code ?? error.message, body: '' }),
          );
        },
      );
    } catch (error) {
      // Node refused to send it (an invalid header or path): a generator problem, not the app's.
      generatorProblems.push(`node refused ${request.category}/${request.label}: ${String(error)}`);
      settle({ error: 'not sent', body: '' });
      return;
    }
    client.on('timeout', () => client.destroy(new Error('client timeout after 30 s')));
    client.on('error', (error: NodeJS.ErrnoException) =>
      settle({ error: error.code ?? error.message, body: '' }),
    );
    client.end(request.body);
  });
}

async function sendAll(port: number, requests: readonly FuzzRequest[]): Promise<Outcome[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const outcomes: Outcome[] = new Array<Outcome>(requests.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < requests.length; index = next++) {
      outcomes[index] = await send(agent, port, requests[index] as FuzzRequest);
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  return outcomes;
}

function violates(expect: Expectation, outcome: Outcome): boolean {
  const { status } = outcome;
  if (expect.kind === 'oversized') {
    return status !== undefined
      ? status !== 431
      : !/ECONNRESET|EPIPE|socket hang up/.test(outcome.error ?? '');
  }
  if (status === undefined || outcome.error !== undefined) return true;
  if (status >= 500) return true;
  switch (expect.kind) {
    case 'below-500':
      return false;
    case 'not-2xx':
      return status >= 200 && status < 300;
    case 'one-of':
      return !expect.statuses.includes(status);
  }
}

const describeExpect = (expect: Expectation): string =>
  expect.kind === 'one-of' ? expect.statuses.join('|') : expect.kind;

const preview = (body: Buffer): string => {
  const utf8 = body.subarray(0, 160).toString('utf8');
  return `${JSON.stringify(utf8)}${body.length > 160 ? ` ... (${body.length} bytes)` : ''}`;
};

/** Deterministic shuffle (mulberry32), so categories interleave the same way on a replay. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------

let ingress: RunningIngress;
let topic: TopicReader<Buffer>;

beforeAll(async () => {
  await requireStack();
  [ingress, topic] = await Promise.all([
    startIngress(declaration, { REQUEST_TIMEOUT_MS: 10_000 }),
    // Values stay undecoded: only the control record is decoded, below.
    readTopic<Buffer>(Topics.personChanges, (value) => value),
  ]);
});

afterAll(async () => {
  await topic?.stop();
  if (ingress) {
    await ingress.pool.query(`DELETE FROM webhook_events WHERE source = ANY($1)`, [ALL_SOURCES]);
    await ingress.close();
  }
});

/** What the run left behind; each check below reads it. */
interface Run {
  readonly requests: readonly FuzzRequest[];
  readonly outcomes: readonly Outcome[];
  readonly control: Body;
  readonly controlBody: Buffer;
  readonly controlOutcome: Outcome;
  readonly prototypeKeys: readonly string[];
}
let run: Run | undefined;
const ran = (): Run => {
  if (!run) throw new Error('the fuzz run did not complete; see the first test');
  return run;
};

const statusKey = (outcome: Outcome): string =>
  outcome.status !== undefined ? String(outcome.status) : `error ${outcome.error ?? ''}`;

/** Event ids of edge requests answered 202: exactly these may be on the topic and in the table. */
const acceptedEdgeIds = ({ requests, outcomes }: Run): string[] =>
  requests
    .filter((request, index) => request.category === 'edge' && outcomes[index]?.status === 202)
    .map((request) => request.eventId ?? '')
    .sort();

describe(`webhook fuzzing (seed ${SEED})`, () => {
  it('sends 5,000+ generated requests, then a valid control delivery', async () => {
    console.log(
      `fuzz seed: ${SEED} (FUZZ_SEED=${SEED} replays it); sources: ${ALL_SOURCES.join(', ')}`,
    );

    // The test's own signer against the reference implementation, or "validly signed" lies.
    const probe = Buffer.from('{"probe":"zoë"}', 'utf8');
    const at = new Date(nowSeconds() * 1000);
    expect(
      standardSignature(STANDARD_SECRET, 'msg_probe', String(at.getTime() / 1000), probe),
    ).toBe(new Webhook(STANDARD_SECRET).sign('msg_probe', at, probe.toString('utf8')));

    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const generated = [
      ...fc.sample(garbageRequest, { seed: SEED, numRuns: COUNTS.garbage }),
      ...fc.sample(brokenEvent, {
        seed: SEED + 1,
        numRuns: Math.round(COUNTS.signedInvalid * 0.8),
      }),
      ...fc.sample(signedJunk, { seed: SEED + 2, numRuns: Math.round(COUNTS.signedInvalid * 0.2) }),
      ...fc.sample(mutatedRequest, { seed: SEED + 3, numRuns: COUNTS.mutated }),
      ...fc.sample(edgeRequest, { seed: SEED + 4, numRuns: COUNTS.edge }),
      ...oversizedRequests(),
    ];
    const requests = shuffled(generated, SEED);
    expect(requests.length).toBeGreaterThanOrEqual(5000);
    // A "valid" event the schema refuses, or a "broken" one it accepts: the generator (or the
    // schema) is wrong, and the expectations below would be too.
    expect(generatorProblems.slice(0, 10)).toEqual([]);

    const port = Number(new URL(ingress.url).port);
    const started = Date.now();
    const outcomes = await sendAll(port, requests);
    const elapsedMs = Date.now() - started;

    // The control: a plain valid delivery after all that, to the fuzz source itself.
    const [control] = fc.sample(
      validEvent.filter((event) => event.type === 'person.role_change'),
      { seed: SEED + 5, numRuns: 1 },
    );
    if (!control) throw new Error('no control event');
    const controlBody = Buffer.from(render(control), 'utf8');
    const [controlOutcome] = await sendAll(port, [
      signedPost('control', 'control', 'std', controlBody, 'application/json', exactly(202)),
    ]);
    run = {
      requests,
      outcomes,
      control,
      controlBody,
      controlOutcome: controlOutcome ?? { error: 'not sent', body: '' },
      prototypeKeys,
    };

    const histogram = new Map<string, number>();
    const byCategory = new Map<string, Map<string, number>>();
    requests.forEach((request, index) => {
      const key = statusKey(outcomes[index] as Outcome);
      histogram.set(key, (histogram.get(key) ?? 0) + 1);
      const counts = byCategory.get(request.category) ?? new Map<string, number>();
      counts.set(key, (counts.get(key) ?? 0) + 1);
      byCategory.set(request.category, counts);
    });
    const line = (counts: Map<string, number>) =>
      [...counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, n]) => `${key}: ${n}`)
        .join(', ');
    const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      [
        `sent ${requests.length} requests in ${elapsedMs} ms (concurrency ${CONCURRENCY}); control: ${statusKey(run.controlOutcome)}`,
        `statuses: ${line(histogram)}`,
        ...[...byCategory].map(
          ([category, counts]) => `  ${category} (${total(counts)}): ${line(counts)}`,
        ),
      ].join('\n'),
    );
  });

  it('answers every request, none with a 5xx, each as its kind must be answered', () => {
    const { requests, outcomes } = ran();
    // Every violation, grouped by what was done, with one example each.
    const violations = new Map<string, { count: number; example: string }>();
    requests.forEach((request, index) => {
      const outcome = outcomes[index] as Outcome;
      if (!violates(request.expect, outcome)) return;
      const key = `${request.category} / ${request.label}: expected ${describeExpect(request.expect)}, got ${statusKey(outcome)}`;
      const known = violations.get(key);
      if (known) {
        known.count += 1;
        return;
      }
      const headers = Object.entries(request.headers)
        .map(([name, value]) => `${name}: ${String(value).slice(0, 80)}`)
        .join('; ');
      violations.set(key, {
        count: 1,
        example: `${request.method} ${request.path.slice(0, 120)} [${headers}] body ${preview(request.body)} -> ${outcome.body}`,
      });
    });
    const report = [...violations]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, { count, example }]) => `${count} x ${key}\n    e.g. ${example}`);
    if (report.length > 0) console.log(`violations:\n${report.join('\n')}`);

    const fiveHundreds = outcomes.filter((outcome) => (outcome.status ?? 0) >= 500).length;
    const unanswered = requests.filter(
      (request, index) => request.category !== 'oversized' && outcomes[index]?.status === undefined,
    ).length;
    expect({ fiveHundreds, unanswered }).toEqual({ fiveHundreds: 0, unanswered: 0 });
    expect(report).toEqual([]);
  });

  it('pollutes no prototype, whatever the bodies and queries carried', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(ran().prototypeKeys);
  });

  it('still accepts a valid delivery afterwards', () => {
    expect(ran().controlOutcome).toMatchObject({ status: 202 });
  });

  it('puts nothing on person-changes but the control and the accepted edge events, once each', async () => {
    const current = ran();
    // Read by an independent consumer from the beginning to the end offsets of now.
    await topic.caughtUp(30_000);
    const ours = topic.records.filter((record) =>
      ALL_SOURCES.includes(record.headers.source ?? ''),
    );
    const fuzzed = ours.filter((record) => record.headers.source !== SRC.edge);
    expect(
      fuzzed.map((record) => [record.headers.source, record.headers['event-id'], record.key]),
    ).toEqual([[SRC.std, current.control.id, (current.control.company as Body).id]]);
    const decoded = (await ingress.codec.decode(
      fuzzed[0]?.value ?? Buffer.alloc(0),
    )) as PersonChangeRecord;
    expect(decoded).toMatchObject({
      eventId: current.control.id,
      source: SRC.std,
      payload: current.controlBody.toString('utf8'),
    });
    const edge = ours
      .filter((record) => record.headers.source === SRC.edge)
      .map((record) => record.headers['event-id'] ?? '')
      .sort();
    expect(edge).toEqual(acceptedEdgeIds(current));
  });

  it('writes no webhook_events row but the control and the accepted edge events', async () => {
    const current = ran();
    const { rows } = await withDatabase((db) =>
      db.query<{ source: string; event_id: string; status: string }>(
        `SELECT source, event_id, status FROM webhook_events WHERE source = ANY($1) ORDER BY event_id`,
        [ALL_SOURCES],
      ),
    );
    expect(rows.filter((row) => row.source !== SRC.edge)).toEqual([
      { source: SRC.std, event_id: current.control.id, status: 'enqueued' },
    ]);
    const edge = rows.filter((row) => row.source === SRC.edge);
    expect(edge.map((row) => row.event_id).sort()).toEqual(acceptedEdgeIds(current));
    expect(edge.filter((row) => row.status !== 'enqueued')).toEqual([]);
  });
});
