import { SIGNATURE_SCHEMES, verifiers, verifyGithub, verifyLegacyHmac } from './index';
import { verifyStandardWebhook } from './standard-webhooks';

describe('verifiers', () => {
  it('has one verifier per listed scheme', () => {
    expect([...SIGNATURE_SCHEMES].sort()).toEqual(Object.keys(verifiers).sort());
    expect(verifiers['standard-webhooks']).toBe(verifyStandardWebhook);
    expect(verifiers['legacy-hmac']).toBe(verifyLegacyHmac);
    expect(verifiers.github).toBe(verifyGithub);
  });

  it.each(SIGNATURE_SCHEMES)('%s refuses a request with no headers at all', (scheme) => {
    const result = verifiers[scheme](
      { rawBody: Buffer.from('{}'), header: () => undefined },
      { secrets: ['whsec_c2VjcmV0'], nowMs: Date.now(), toleranceMs: 300_000 },
    );
    expect(result).toEqual({ ok: false, reason: 'missing_headers' });
  });
});
