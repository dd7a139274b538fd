/**
 * The predecessor's webhook signature: `x-signature` is the hex HMAC-SHA256 of
 * `${x-timestamp}.${rawBody}` under a shared secret, `x-timestamp` is unix milliseconds and must
 * be within five minutes of now. The same scheme (and, locally, the same secret) as our ingress's
 * `legacy` source, so the bench signs both systems' webhooks alike. Pure: clock and secret come in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_TOLERANCE_MS = 5 * 60 * 1000;

export type SignatureFailure =
  'missing_headers' | 'malformed_headers' | 'bad_signature' | 'stale_timestamp';

export type SignatureCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure };

export interface SignedDelivery {
  readonly rawBody: Buffer;
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
}

export interface SignatureKey {
  readonly secret: string;
  readonly nowMs: number;
  readonly toleranceMs?: number;
}

const HEX_DIGEST = /^[0-9a-fA-F]{64}$/;
const UNIX_MILLIS = /^[0-9]{1,15}$/;

export function signLegacy(secret: string, timestampMs: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestampMs}.`).update(rawBody).digest('hex');
}

export function verifyLegacySignature(delivery: SignedDelivery, key: SignatureKey): SignatureCheck {
  const { signature, timestamp } = delivery;
  if (!signature || !timestamp) return { ok: false, reason: 'missing_headers' };
  // Checked before decoding: Buffer.from(hex) silently drops bad digits and odd lengths.
  if (!HEX_DIGEST.test(signature) || !UNIX_MILLIS.test(timestamp)) {
    return { ok: false, reason: 'malformed_headers' };
  }
  // An empty key would let anyone sign.
  if (key.secret === '') return { ok: false, reason: 'bad_signature' };
  const expected = createHmac('sha256', key.secret)
    .update(`${timestamp}.`)
    .update(delivery.rawBody)
    .digest();
  // Both are 32 bytes here (the pattern above), so timingSafeEqual cannot throw.
  if (!timingSafeEqual(Buffer.from(signature, 'hex'), expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  const tolerance = key.toleranceMs ?? SIGNATURE_TOLERANCE_MS;
  if (Math.abs(key.nowMs - Number(timestamp)) > tolerance) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  return { ok: true };
}
