/**
 * Standard Webhooks (https://www.standardwebhooks.com): `webhook-id`, `webhook-timestamp` (unix
 * seconds) and `webhook-signature`, a space-separated list of `<version>,<signature>`; `v1` is
 * base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` keyed with the base64-decoded secret.
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

const MAX_ID_LENGTH = 256;
const MAX_SIGNATURE_HEADER_LENGTH = 4096;
/** Visible ASCII only: the id is echoed into logs and used for de-duplication. */
const ID_PATTERN = /^[\x21-\x7e]+$/;
/** Unix seconds; 12 digits reach far beyond any real clock, so longer is junk, not a date. */
const SECONDS_PATTERN = /^[0-9]{1,12}$/;
/** Base64 in form; canonical spelling is checked by re-encoding (unused low bits must be 0). */
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SECRET_PREFIX = 'whsec_';

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  return Buffer.from(encoded, 'base64');
}

/** The v1 signatures of the header, decoded; entries of other versions or not base64 are skipped. */
function v1Signatures(header: string): Buffer[] {
  const signatures: Buffer[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const encoded = entry.slice(comma + 1);
    if (encoded === '' || !BASE64_PATTERN.test(encoded)) continue;
    const decoded = Buffer.from(encoded, 'base64');
    // One signature, one accepted spelling: `…jxE=` and `…jxF=` decode alike.
    if (decoded.toString('base64') === encoded) signatures.push(decoded);
  }
  return signatures;
}

export function verifyStandardWebhook(
  request: SignedRequest,
  options: VerifyOptions,
): Verification {
  const id = readHeader(request, 'webhook-id');
  const timestamp = readHeader(request, 'webhook-timestamp');
  const signatureHeader = readHeader(request, 'webhook-signature');
  if (id === undefined || timestamp === undefined || signatureHeader === undefined) {
    return fail('missing_headers');
  }
  if (
    id.length > MAX_ID_LENGTH ||
    !ID_PATTERN.test(id) ||
    !SECONDS_PATTERN.test(timestamp) ||
    signatureHeader.length > MAX_SIGNATURE_HEADER_LENGTH
  ) {
    return fail('malformed_headers');
  }

  const signatures = v1Signatures(signatureHeader);
  const signedPrefix = Buffer.from(`${id}.${timestamp}.`, 'utf8');
  const matches = options.secrets.some((secret) => {
    const key = secretKey(secret);
    // An empty key (a blank or mis-encoded secret) would let anyone sign: never accept it.
    if (key.length === 0) return false;
    const expected = createHmac('sha256', key)
      .update(signedPrefix)
      .update(request.rawBody)
      .digest();
    return signatures.some((signature) => constantTimeEqual(signature, expected));
  });
  // Signature before timestamp: `stale_timestamp` then means a genuine but late (or replayed)
  // delivery, not just any stranger's request with an old date.
  if (!matches) return fail('bad_signature');

  const timestampMs = Number(timestamp) * 1000;
  const skew = checkTimestampWindow(timestampMs, options);
  if (skew !== undefined) return fail(skew);
  return { ok: true, webhookId: id, timestampMs };
}
