import { parseRetryAfterMs } from './retry-after';

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');

  it('reads delay-seconds', () => {
    expect(parseRetryAfterMs('0', now)).toBe(0);
    expect(parseRetryAfterMs('7', now)).toBe(7_000);
    expect(parseRetryAfterMs(' 12 ', now)).toBe(12_000);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(parseRetryAfterMs('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
  });

  it('treats a date in the past as no wait', () => {
    expect(parseRetryAfterMs('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
  });

  it('ignores what it cannot read, so the usual backoff applies', () => {
    for (const value of [null, '', '-5', '1.5', 'soon', '2030-01-01T00:00:30Z']) {
      expect(parseRetryAfterMs(value, now)).toBeUndefined();
    }
  });
});
