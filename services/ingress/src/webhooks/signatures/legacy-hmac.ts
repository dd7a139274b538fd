/**
 * The predecessor's scheme, kept for providers not yet moved to Standard Webhooks:
 * `x-signature` is hex HMAC-SHA256 of `${x-timestamp}.${body}`, `x-timestamp` is unix
 * milliseconds, and the secret is used as a UTF-8 string key.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time';
import {
  checkTimestampWindow,
  fail,
  readHeader,
  type SignedRequest,
  type Verification,
  type VerifyOptions,
} from './types';

/** Exactly one SHA-256 digest in hex; no `sha256=` prefix (the predecessor never sent one). */
const HEX_DIGEST_PATTERN = /^[0-9a-fA-F]{64}$/;
/** Unix milliseconds; 15 digits reach far beyond any real clock, so longer is junk, not a date. */
const MILLIS_PATTERN = /^[0-9]{1,15}$/;

export function verifyLegacyHmac(request: SignedRequest, options: VerifyOptions): Verification {
  const signature = readHeader(request, 'x-signature');
  const timestamp = readHeader(request, 'x-timestamp');
  if (signature === undefined || timestamp === undefined) return fail('missing_headers');
  if (!HEX_DIGEST_PATTERN.test(signature) || !MILLIS_PATTERN.test(timestamp)) {
    return fail('malformed_headers');
  }

  const provided = Buffer.from(signature, 'hex');
  const signedPrefix = Buffer.from(`${timestamp}.`, 'utf8');
  const matches = options.secrets.some(
    (secret) =>
      // An empty key would let anyone sign: never accept it.
      secret !== '' &&
      constantTimeEqual(
        provided,
        createHmac('sha256', secret).update(signedPrefix).update(request.rawBody).digest(),
      ),
  );
  // Signature before timestamp, so `stale_timestamp` means a genuine but late delivery.
  if (!matches) return fail('bad_signature');

  const timestampMs = Number(timestamp);
  const skew = checkTimestampWindow(timestampMs, options);
  if (skew !== undefined) return fail(skew);
  return { ok: true, timestampMs };
}
