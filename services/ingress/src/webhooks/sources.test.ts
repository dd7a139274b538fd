import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSourcesFile, parseSources, SourceRegistry, SourcesConfigError } from './sources';

const SECRET = 'a-secret-of-enough-length';

describe('parseSources', () => {
  it('resolves inline and environment secrets, with defaults for event types and rate', () => {
    const sources = parseSources(
      {
        sources: {
          vendor: {
            scheme: 'legacy-hmac',
            secrets: [{ value: SECRET }, { env: 'VENDOR_NEXT' }],
          },
        },
      },
      { VENDOR_NEXT: 'the-next-secret-value' },
    );
    expect(sources.get('vendor')).toMatchObject({
      name: 'vendor',
      scheme: 'legacy-hmac',
      secrets: [SECRET, 'the-next-secret-value'],
      rateLimit: { perSecond: 1000 },
    });
    expect(sources.get('vendor')?.eventTypes).toContain('company.acquisition');
  });

  it.each([
    [{ sources: { Vendor: { scheme: 'github', secrets: [{ value: SECRET }] } } }, 'sources.Vendor'],
    [{ sources: { v: { scheme: 'rot13', secrets: [{ value: SECRET }] } } }, 'sources.v.scheme'],
    [{ sources: { v: { scheme: 'github', secrets: [] } } }, 'sources.v.secrets'],
    [
      { sources: { v: { scheme: 'github', secrets: [{ value: 'short' }] } } },
      'sources.v.secrets.0',
    ],
    [
      { sources: { v: { scheme: 'github', secrets: [{ value: SECRET }], eventTypes: ['x'] } } },
      'sources.v.eventTypes.0',
    ],
    [{ sources: { v: { scheme: 'github', secrets: [{ value: SECRET }], extra: 1 } } }, 'sources.v'],
    [{}, 'sources'],
  ])('refuses %j, naming %s', (declaration, where) => {
    expect(() => parseSources(declaration, {})).toThrow(SourcesConfigError);
    expect(() => parseSources(declaration, {})).toThrow(where);
  });

  it('names a missing environment secret without showing any secret', () => {
    const declaration = {
      sources: { v: { scheme: 'github', secrets: [{ value: SECRET }, { env: 'MISSING_SECRET' }] } },
    };
    expect(() => parseSources(declaration, {})).toThrow(/MISSING_SECRET is not set/);
    try {
      parseSources(declaration, {});
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});

describe('loadSourcesFile', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sources-'));

  it('reads a file and says which file is wrong', () => {
    const good = path.join(dir, 'good.json');
    writeFileSync(
      good,
      JSON.stringify({ sources: { v: { scheme: 'github', secrets: [{ value: SECRET }] } } }),
    );
    expect([...loadSourcesFile(good, {}).keys()]).toEqual(['v']);

    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{ not json');
    expect(() => loadSourcesFile(bad, {})).toThrow(`${bad}: is not valid JSON`);
    expect(() => loadSourcesFile(path.join(dir, 'missing.json'), {})).toThrow(
      'cannot read it (ENOENT)',
    );
  });

  it('the shipped local sources file is valid', () => {
    const shipped = path.resolve(__dirname, '../../../../deploy/local/webhook-sources.json');
    expect([...loadSourcesFile(shipped, {}).keys()].sort()).toEqual(['demo', 'hub', 'legacy']);
  });
});

describe('SourceRegistry', () => {
  it('swaps the whole set at once and knows no inherited names', () => {
    const registry = new SourceRegistry(
      parseSources({ sources: { a: { scheme: 'github', secrets: [{ value: SECRET }] } } }, {}),
    );
    expect(registry.get('a')?.name).toBe('a');
    expect(registry.get('__proto__')).toBeUndefined();
    expect(registry.get('constructor')).toBeUndefined();
    registry.replace(
      parseSources({ sources: { b: { scheme: 'github', secrets: [{ value: SECRET }] } } }, {}),
    );
    expect(registry.get('a')).toBeUndefined();
    expect(registry.names()).toEqual(['b']);
  });
});
