import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Whether `authorization` is `Bearer <apiKey>`. Both sides are hashed first so the comparison
 * takes the same time whatever the presented token's length or content.
 */
export function bearerMatches(authorization: string | undefined, apiKey: string): boolean {
  const presented = /^Bearer +(\S+)\s*$/i.exec(authorization ?? '')?.[1] ?? '';
  const same = timingSafeEqual(digest(presented), digest(apiKey));
  return same && presented !== '';
}
