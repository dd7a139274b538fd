import { TraceFlags, trace } from '@opentelemetry/api';
import {
  headersWithSpan,
  originsOf,
  spanContextOf,
  traceparentOf,
  tracingActive,
} from './trace-context';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = (span: string, flags = '01', trace = TRACE) => `00-${trace}-${span}-${flags}`;

describe('spanContextOf and traceparentOf', () => {
  it('read a W3C traceparent as a remote span context, and write it back the same', () => {
    const value = traceparent('00f067aa0ba902b7');
    expect(spanContextOf(value)).toEqual({
      traceId: TRACE,
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
    for (const written of [value, traceparent('00f067aa0ba902b7', '00')]) {
      const read = spanContextOf(written);
      expect(read && traceparentOf(read)).toBe(written);
    }
  });

  it('keep only the sampled flag, as the W3C version 00 defines', () => {
    expect(spanContextOf(traceparent('00f067aa0ba902b7', '03'))?.traceFlags).toBe(
      TraceFlags.SAMPLED,
    );
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['all-zero trace id', traceparent('00f067aa0ba902b7', '01', '0'.repeat(32))],
    ['all-zero span id', traceparent('0'.repeat(16))],
    ['version ff', `ff-${TRACE}-00f067aa0ba902b7-01`],
    ['version 00 with more after the flags', `${traceparent('00f067aa0ba902b7')}-extra`],
    ['upper case', traceparent('00F067AA0BA902B7')],
    ['short span id', traceparent('00f067aa0ba902')],
  ])('refuse a traceparent that is %s', (_, value) => {
    expect(spanContextOf(value)).toBeUndefined();
  });

  it('accept a later version with more fields after the flags', () => {
    expect(spanContextOf(`01-${TRACE}-00f067aa0ba902b7-01-later`)?.spanId).toBe('00f067aa0ba902b7');
  });
});

describe('originsOf: the parent and links of work with several origins', () => {
  it('makes the newest origin the parent and links every origin once, oldest first', () => {
    const older = traceparent('1111111111111111', '01', 'a'.repeat(32));
    const newer = traceparent('2222222222222222', '01', 'b'.repeat(32));
    const { parent, links } = originsOf([older, newer, older]);
    expect(parent?.spanId).toBe('2222222222222222');
    expect(links.map((l) => l.spanId)).toEqual(['1111111111111111', '2222222222222222']);
  });

  it('skips origins without a valid traceparent (CDC rows carry none)', () => {
    const only = traceparent('3333333333333333');
    const { parent, links } = originsOf([undefined, 'garbage', only, undefined]);
    expect(parent?.spanId).toBe('3333333333333333');
    expect(links).toHaveLength(1);
  });

  it('has no parent and no links when no origin has a trace', () => {
    expect(originsOf([undefined, 'x'])).toEqual({ parent: undefined, links: [] });
  });
});

describe('headersWithSpan', () => {
  it('returns the very headers while tracing is off: the first hop travels unchanged', () => {
    expect(tracingActive()).toBe(false);
    const headers = { traceparent: traceparent('00f067aa0ba902b7'), replay: 'evt-1' };
    const span = trace.wrapSpanContext(spanContextOf(traceparent('4444444444444444'))!);
    expect(headersWithSpan(headers, span)).toBe(headers);
  });
});
