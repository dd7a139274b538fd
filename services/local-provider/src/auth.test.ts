import { bearerMatches } from './auth';

describe('bearerMatches', () => {
  it('accepts exactly "Bearer <key>"', () => {
    expect(bearerMatches('Bearer local-key', 'local-key')).toBe(true);
    expect(bearerMatches('bearer local-key', 'local-key')).toBe(true);
  });

  it('refuses anything else', () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'local-key', 'Basic local-key']) {
      expect(bearerMatches(header, 'local-key')).toBe(false);
    }
    expect(bearerMatches('Bearer local-keyX', 'local-key')).toBe(false);
    expect(bearerMatches('Bearer local-ke', 'local-key')).toBe(false);
  });

  it('never accepts an empty key, even when configured empty', () => {
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });
});
