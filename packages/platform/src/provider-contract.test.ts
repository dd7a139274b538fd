import { PROVIDER_API_PREFIX, PROVIDER_ROUTES, providerPath } from './provider-contract';

describe('providerPath', () => {
  it('puts each call under the contract version', () => {
    expect(providerPath('enrich')).toBe('/v1/contacts/enrich');
    expect(providerPath('research')).toBe('/v1/research');
  });

  it('is the prefix a server mounts its router at, then the route', () => {
    for (const operation of ['enrich', 'research'] as const) {
      expect(providerPath(operation)).toBe(`${PROVIDER_API_PREFIX}${PROVIDER_ROUTES[operation]}`);
    }
  });
});
