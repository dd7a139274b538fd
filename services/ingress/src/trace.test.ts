import { ensureTraceparent, outgoingTraceparent } from './trace';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/;

describe('ensureTraceparent', () => {
  it('carries a valid incoming traceparent on unchanged', () => {
    expect(ensureTraceparent(VALID)).toBe(VALID);
  });

  it('starts a new trace for a missing, malformed or all-zero one', () => {
    const zeroTrace = `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`;
    for (const incoming of [undefined, '', 'garbage', zeroTrace]) {
      const started = ensureTraceparent(incoming);
      expect(started).toMatch(FORMAT);
      expect(started).not.toBe(incoming);
    }
  });

  it('draws new ids for every trace it starts', () => {
    const started = Array.from({ length: 50 }, () => ensureTraceparent(undefined));
    expect(new Set(started.map((t) => t.slice(3, 35))).size).toBe(50);
    expect(new Set(started.map((t) => t.slice(36, 52))).size).toBe(50);
  });
});

describe('outgoingTraceparent', () => {
  const SPAN = '00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01';

  it("carries the request span's context while tracing is on, whatever came in", () => {
    expect(outgoingTraceparent(VALID, SPAN)).toBe(SPAN);
    expect(outgoingTraceparent(undefined, SPAN)).toBe(SPAN);
  });

  it('is ensureTraceparent while tracing is off (no span active)', () => {
    expect(outgoingTraceparent(VALID)).toBe(VALID);
    expect(outgoingTraceparent(undefined, undefined)).toMatch(FORMAT);
  });
});
