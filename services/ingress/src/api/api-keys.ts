/**
 * Bearer API keys: `bgs_` followed by 32 random bytes in base64url (43 characters). Only the
 * SHA-256 of the whole key is stored; a key is found by looking its hash up, so raw keys are
 * never compared. A fast hash is enough because the keys carry 256 bits of randomness (no
 * dictionary to guess from). The first 12 characters are kept in clear so people can tell
 * keys apart in listings.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_SCHEME = 'bgs_';
const RANDOM_BYTES = 32;
export const API_KEY_PREFIX_LENGTH = 12;

/** `bgs_` + 43 base64url characters: the only shape generateApiKey produces. */
const API_KEY_SHAPE = /^bgs_[A-Za-z0-9_-]{43}$/;

export interface GeneratedApiKey {
  /** The key itself: shown once, never stored. */
  readonly key: string;
  /** Its first 12 characters, stored to tell keys apart. */
  readonly prefix: string;
  /** SHA-256 hex of the key, the stored lookup value. */
  readonly hash: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(): GeneratedApiKey {
  const key = `${API_KEY_SCHEME}${randomBytes(RANDOM_BYTES).toString('base64url')}`;
  return { key, prefix: key.slice(0, API_KEY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

/** Whether `token` has the shape of a key we issue (cheap check before any database lookup). */
export function isWellFormedApiKey(token: string): boolean {
  return API_KEY_SHAPE.test(token);
}

/** RFC 6750 / 7235: `Bearer` (any case), whitespace, then a token68 credential. */
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * The credential of an `Authorization: Bearer <token>` header, or undefined when the header is
 * missing, uses another scheme or is malformed.
 */
export function parseBearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER.exec(header)?.[1];
}
