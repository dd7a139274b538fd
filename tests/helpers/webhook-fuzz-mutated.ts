/**
 * A validly signed request, then one thing changed (a body byte, a signature character, the
 * timestamp, a header, the method, the path...): nothing may be accepted.
 */
import fc from 'fast-check';
import { refusedBy, validEvent } from './webhook-fuzz-events';
import { target } from './webhook-fuzz-signed';
import {
  NOT_ACCEPTED,
  SRC,
  STANDARD_SECRET,
  STRANGER_SECRET,
  exactly,
  generatorProblems,
  headerMap,
  nowSeconds,
  render,
  signFor,
  standardHeaders,
  type Expectation,
  type FuzzRequest,
  type Target,
} from './webhook-fuzz';

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
export const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
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

export const mutatedRequest: fc.Arbitrary<FuzzRequest> = fc
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
