/**
 * The webhook fuzz run's ground (tests/ingress/fuzz.test.ts): the seed, the sources it declares
 * and their secrets, what a request is and what it must get, signing, and JSON text that
 * JSON.stringify cannot write. The arbitraries are in webhook-fuzz-*.ts beside this file.
 *
 * Module state, as in one test file: ids count up through the run, and every generator reports
 * its self-check failures to `generatorProblems`.
 */
import { createHash, createHmac } from 'node:crypto';
import type http from 'node:http';
import { EVENT_TYPES, type EventType } from '../../services/ingress/src/webhooks/events';
import { uniqueName } from './stack';

/** The generation is fast-check's, from a fixed seed: FUZZ_SEED=<n> replays another one. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20_251_010);
export const BODY_LIMIT = 256 * 1024;

// Secrets follow from the seed, so a replay signs the same bytes.
const derived = (label: string): Buffer =>
  createHash('sha256').update(`fuzz:${SEED}:${label}`).digest();
export const STANDARD_SECRET = `whsec_${derived('standard').toString('base64')}`;
export const EDGE_SECRET = `whsec_${derived('edge').toString('base64')}`;
export const STRANGER_SECRET = `whsec_${derived('stranger').toString('base64')}`;
const LEGACY_SECRET = derived('legacy').toString('hex');
const GITHUB_SECRET = derived('github').toString('hex');

const base = uniqueName('fuzz').toLowerCase();
export const SRC = {
  std: base,
  legacy: `${base}-legacy`,
  github: `${base}-github`,
  edge: `${base}-edge`,
} as const;
export type Target = 'std' | 'legacy' | 'github';
export const ALL_SOURCES: readonly string[] = Object.values(SRC);

/** Valid for zod, but not among the fuzz source's event types: a signed 400 of its own kind. */
export const NOT_ACCEPTED: EventType = 'company.executive_turnover';
const HIGH_RATE = { perSecond: 1_000_000 };
export const declaration = {
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

export type Category = 'garbage' | 'signed-invalid' | 'mutated' | 'edge' | 'oversized' | 'control';

export type Expectation =
  | { readonly kind: 'below-500' }
  | { readonly kind: 'not-2xx' }
  | { readonly kind: 'one-of'; readonly statuses: readonly number[] }
  /** Over Node's header limit: 431, or the connection closed on us. */
  | { readonly kind: 'oversized' };

export interface FuzzRequest {
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

export interface Outcome {
  readonly status?: number;
  readonly error?: string;
  readonly body: string;
}

export const exactly = (...statuses: number[]): Expectation => ({ kind: 'one-of', statuses });

/** Null-prototype header maps: a header named `__proto__` is sent as a header, not swallowed. */
export function headerMap(
  entries: Iterable<readonly [string, string | string[]]>,
): http.OutgoingHttpHeaders {
  const headers = Object.create(null) as http.OutgoingHttpHeaders;
  for (const [name, value] of entries) headers[name] = value;
  return headers;
}

/** Keeps the request under Node's 16 KiB header limit (only `oversized` means to exceed it). */
export function fitHeaders(
  headers: http.OutgoingHttpHeaders,
  budget = 11_000,
): http.OutgoingHttpHeaders {
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

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function standardSignature(
  secret: string,
  id: string,
  timestamp: string,
  body: Buffer,
): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`;
}

export function standardHeaders(
  secret: string,
  id: string,
  body: Buffer,
  atSeconds = nowSeconds(),
) {
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
export const nextId = (prefix: string): string => `${prefix}-${base}-${++sequence}`;

export function signFor(target: Target, body: Buffer, id = nextId('msg')): Record<string, string> {
  switch (target) {
    case 'std':
      return standardHeaders(STANDARD_SECRET, id, body);
    case 'legacy':
      return legacyHeaders(LEGACY_SECRET, body);
    case 'github':
      return githubHeaders(GITHUB_SECRET, body);
  }
}

export function signedPost(
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

// ---------------------------------------------------------------------------------------------
// JSON text with what JSON.stringify cannot write: 1e309, nesting deeper than its stack

const rawTexts = new Map<string, string>();
/** A placeholder value that `render` replaces by `text`, verbatim. */
export function raw(text: string): string {
  const key = `@@raw-${rawTexts.size}@@`;
  rawTexts.set(key, text);
  return key;
}
export const INFINITE = raw('1e309');
export const NEGATIVE_INFINITE = raw('-1e309');
export const TINY = raw('1e-400');

export function render(body: unknown, indent: 0 | 2 | '\t' = 0): string {
  let text = JSON.stringify(body, null, indent) ?? 'null';
  if (text.includes('@@raw-')) {
    text = text.replace(/"(@@raw-\d+@@)"/g, (match, key: string) => rawTexts.get(key) ?? match);
  }
  return text;
}

export const deepArray = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
export const deepObject = (depth: number): string =>
  '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
export const deepMixed = (depth: number): string =>
  '[{"a":'.repeat(depth) + 'null' + '}]'.repeat(depth);

/** Own enumerable keys, `__proto__` included, as JSON.parse would make them. */
export function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

export type Body = Record<string, unknown>;
export const isRecord = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Generator self-checks: a "valid" event that is not, or a "broken" one that is not. */
export const generatorProblems: string[] = [];

/** Deterministic shuffle (mulberry32), so categories interleave the same way on a replay. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
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
