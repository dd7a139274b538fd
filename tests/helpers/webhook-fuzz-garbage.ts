/**
 * Random everything: methods, paths, headers, content types and encodings, and bodies (random
 * bytes, invalid UTF-8, `__proto__` keys, deep nesting, huge strings, 1e309). Nothing of it may
 * be accepted, nothing may be a 5xx.
 */
import fc from 'fast-check';
import { validEvent } from './webhook-fuzz-events';
import {
  ALL_SOURCES,
  BODY_LIMIT,
  SRC,
  deepArray,
  deepMixed,
  deepObject,
  fitHeaders,
  headerMap,
  nowSeconds,
  render,
  type FuzzRequest,
} from './webhook-fuzz';

export const HEADER_CHAR = fc
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

export const base64Of = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
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

export interface BodyCase {
  readonly label: string;
  readonly bytes: Buffer;
}
export const text = (label: string, body: string): BodyCase => ({
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

export const garbageBody: fc.Arbitrary<BodyCase> = fc.oneof(
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
export const garbageRequest: fc.Arbitrary<FuzzRequest> = fc
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

/** A path whose percent-encoding does not decode (the router cannot decode its parameter). */
function undecodable(path: string): boolean {
  try {
    decodeURIComponent(path.split('?')[0] ?? '');
    return false;
  } catch {
    return true;
  }
}
