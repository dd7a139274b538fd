/**
 * The contract every signature scheme implements, plus the one rule they share (the timestamp
 * window). Everything here is pure: the caller passes the clock and the secrets in.
 */

export type SignatureScheme = 'standard-webhooks' | 'legacy-hmac' | 'github';

export interface SignedRequest {
  readonly rawBody: Buffer;
  /** Header lookup by lower-case name; undefined when absent. */
  readonly header: (name: string) => string | undefined;
}

/** Why a request was refused. For metrics and logs only: the HTTP layer answers one generic 401. */
export type VerificationFailure =
  | 'missing_headers'
  | 'malformed_headers'
  | 'bad_signature'
  | 'stale_timestamp'
  | 'future_timestamp';

export type Verification =
  | { readonly ok: true; readonly webhookId?: string; readonly timestampMs?: number }
  | { readonly ok: false; readonly reason: VerificationFailure };

export interface VerifyOptions {
  /** Every secret currently accepted; more than one while a secret is being rotated. */
  readonly secrets: readonly string[];
  readonly nowMs: number;
  /** How far the signed timestamp may be from `nowMs`, either way (callers use 5 minutes). */
  readonly toleranceMs: number;
}

/** Never throws: every input is controlled by whoever sent the request. */
export type Verifier = (request: SignedRequest, options: VerifyOptions) => Verification;

export const fail = (reason: VerificationFailure): Verification => ({ ok: false, reason });

/** A header value that is really there: present, a string (whatever the caller's lookup does), non-empty. */
export function readHeader(request: SignedRequest, name: string): string | undefined {
  const value = request.header(name);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Replay protection: a signed timestamp outside the window is refused even with a good
 * signature, so a captured request cannot be re-sent later.
 */
export function checkTimestampWindow(
  timestampMs: number,
  options: VerifyOptions,
): VerificationFailure | undefined {
  if (options.nowMs - timestampMs > options.toleranceMs) return 'stale_timestamp';
  if (timestampMs - options.nowMs > options.toleranceMs) return 'future_timestamp';
  return undefined;
}
