import { timingSafeEqual } from 'node:crypto';

/**
 * Compares two byte strings without leaking, through timing, how many leading bytes match.
 * timingSafeEqual throws on different lengths, so lengths are checked first; a length is not a
 * secret here (every digest of one scheme has the same size).
 */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}
