/**
 * GitHub: `x-hub-signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body keyed with the secret
 * as a UTF-8 string. GitHub signs no timestamp, so there is no skew check and no replay window;
 * `x-github-delivery` is not signed either, so it is not reported as a verified webhook id.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time';
import {
  fail,
  readHeader,
  type SignedRequest,
  type Verification,
  type VerifyOptions,
} from './types';

const SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;

export function verifyGithub(request: SignedRequest, options: VerifyOptions): Verification {
  const header = readHeader(request, 'x-hub-signature-256');
  if (header === undefined) return fail('missing_headers');
  const hex = SIGNATURE_PATTERN.exec(header)?.[1];
  if (hex === undefined) return fail('malformed_headers');

  const provided = Buffer.from(hex, 'hex');
  const matches = options.secrets.some(
    (secret) =>
      // An empty key would let anyone sign: never accept it.
      secret !== '' &&
      constantTimeEqual(provided, createHmac('sha256', secret).update(request.rawBody).digest()),
  );
  return matches ? { ok: true } : fail('bad_signature');
}
