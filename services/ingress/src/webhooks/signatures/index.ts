import { verifyGithub } from './github';
import { verifyLegacyHmac } from './legacy-hmac';
import { verifyStandardWebhook } from './standard-webhooks';
import type { SignatureScheme, Verifier } from './types';

export * from './types';
export { constantTimeEqual } from './constant-time';
export { verifyGithub, verifyLegacyHmac, verifyStandardWebhook };

export const verifiers: Readonly<Record<SignatureScheme, Verifier>> = {
  'standard-webhooks': verifyStandardWebhook,
  'legacy-hmac': verifyLegacyHmac,
  github: verifyGithub,
};

/** Every scheme, e.g. for validating the scheme named in a source's configuration. */
export const SIGNATURE_SCHEMES = [
  'standard-webhooks',
  'legacy-hmac',
  'github',
] as const satisfies readonly SignatureScheme[];
