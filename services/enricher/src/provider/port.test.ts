import { classifyFailure } from '@bgs/platform';
import { ProviderError, providerFailureClass, type ProviderErrorKind } from './port';

const failure = (kind: ProviderErrorKind, status?: number) =>
  new ProviderError(`provider enrich call: ${kind}`, kind, kind !== 'rejected', status);

describe('providerFailureClass', () => {
  it.each([
    ['rate_limited', 429],
    ['timeout', 408],
    ['server_error', 503],
    ['network', undefined],
    ['circuit_open', undefined],
  ] as const)('retries a provider that is %s (%s) until it answers', (kind, status) => {
    expect(classifyFailure(failure(kind, status), providerFailureClass)).toBe('transient');
  });

  it('dead-letters a refusal (a 4xx other than 408 and 429) at once', () => {
    expect(classifyFailure(failure('rejected', 400), providerFailureClass)).toBe('permanent');
  });

  it('retries a malformed reply through the tiers, then dead-letters it with its reason', () => {
    expect(classifyFailure(failure('malformed_reply', 200), providerFailureClass)).toBe('failed');
  });

  it('leaves errors that are not the provider to the defaults', () => {
    expect(providerFailureClass(new Error('connect ECONNREFUSED'))).toBeUndefined();
  });
});
