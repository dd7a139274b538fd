import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  LOCAL_DEVELOPMENT_SECRETS,
  loadSourcesFile,
  parseSources,
  SourceRegistry,
  SourcesConfigError,
} from './sources';

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

  const shipped = path.resolve(__dirname, '../../../../deploy/local/webhook-sources.json');

  it('the shipped local sources file is valid', () => {
    expect([...loadSourcesFile(shipped, {}).keys()].sort()).toEqual(['demo', 'hub', 'legacy']);
  });

  it('knows every secret of the shipped file as a local development secret', () => {
    const secrets = [...loadSourcesFile(shipped, {}).values()].flatMap((s) => s.secrets);
    expect([...secrets].sort()).toEqual([...LOCAL_DEVELOPMENT_SECRETS].sort());
  });

  it('refuses the local development secrets in production, naming where they are', () => {
    const production = { NODE_ENV: 'production' };
    let message = '';
    try {
      loadSourcesFile(shipped, production);
    } catch (error) {
      expect(error).toBeInstanceOf(SourcesConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain(
      'sources.demo.secrets.0, sources.legacy.secrets.0, sources.hub.secrets.0',
    );
    expect(message).toContain('BGS_DEV_DEFAULTS=allow');
    for (const secret of LOCAL_DEVELOPMENT_SECRETS) expect(message).not.toContain(secret);

    // one taken from the environment is the same secret
    const fromEnv = { sources: { v: { scheme: 'legacy-hmac', secrets: [{ env: 'V_SECRET' }] } } };
    const leaked = { ...production, V_SECRET: 'local-development-only-legacy-secret' };
    expect(() => parseSources(fromEnv, leaked)).toThrow('sources.v.secrets.0');
    expect([
      ...parseSources(fromEnv, { ...production, V_SECRET: 'a-real-production-secret' }).keys(),
    ]).toEqual(['v']);
  });

  it('loads them in production with BGS_DEV_DEFAULTS=allow, as compose does', () => {
    const allowed = { NODE_ENV: 'production', BGS_DEV_DEFAULTS: 'allow' };
    expect([...loadSourcesFile(shipped, allowed).keys()].sort()).toEqual(['demo', 'hub', 'legacy']);
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
