/**
 * The edge source's requests: valid, signed events with something hostile about them that the
 * schema allows (deep unknown keys, NUL, lone surrogates, gzip...), whose 202s must each reach
 * the topic once; and requests over Node's header limit, which never reach the app.
 */
import type http from 'node:http';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { pollute, validEvent } from './webhook-fuzz-events';
import { HEADER_CHAR, base64Of } from './webhook-fuzz-garbage';
import { B64 } from './webhook-fuzz-mutated';
import {
  EDGE_SECRET,
  INFINITE,
  SRC,
  TINY,
  deepArray,
  deepMixed,
  deepObject,
  defineOwn,
  exactly,
  headerMap,
  isRecord,
  nextId,
  raw,
  render,
  standardHeaders,
  type Body,
  type Expectation,
  type FuzzRequest,
} from './webhook-fuzz';

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

export const edgeRequest: fc.Arbitrary<FuzzRequest> = fc
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
export function oversizedRequests(): FuzzRequest[] {
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
