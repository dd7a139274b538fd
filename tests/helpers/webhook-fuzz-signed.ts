/**
 * Validly signed requests that must get 400: schema-breaking events (with `__proto__` keys and
 * deep nesting on top, now and then), and bodies that are not JSON objects at all.
 */
import fc from 'fast-check';
import type { EventType } from '../../services/ingress/src/webhooks/events';
import { breakers, pollute, pollution, refusedBy, validEvent } from './webhook-fuzz-events';
import { garbageBody, text } from './webhook-fuzz-garbage';
import {
  BODY_LIMIT,
  deepArray,
  deepObject,
  exactly,
  generatorProblems,
  isRecord,
  raw,
  render,
  signedPost,
  type FuzzRequest,
  type Target,
} from './webhook-fuzz';

export const target = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Target>('std') },
  { weight: 2, arbitrary: fc.constant<Target>('legacy') },
  { weight: 2, arbitrary: fc.constant<Target>('github') },
);
const jsonType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'Application/JSON',
);

/** A schema-breaking event, signed, so it passes the signature and must get 400. */
export const brokenEvent: fc.Arbitrary<FuzzRequest> = fc
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
export const signedJunk: fc.Arbitrary<FuzzRequest> = fc
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
