/**
 * The provider's HTTP contract lives in @bgs/platform (provider-contract.ts), shared with the
 * enricher's adapter; this module names it as the local provider speaks of it, and words a
 * contract violation for a 400.
 */
import type { z } from '@bgs/platform';

export {
  PROVIDER_API_PREFIX,
  PROVIDER_IDEMPOTENCY_KEY as IDEMPOTENCY_KEY,
  PROVIDER_ROUTES,
  providerRequestSchema,
  type ContactEnrichment,
  type EnrichContactsReply,
  type PersonInsight,
  type ProviderOperation as Operation,
  type ProviderPerson as RequestedPerson,
  type ProviderRequest,
  type ResearchReply,
} from '@bgs/platform';

/** `people[0].personId: …`: the field first, so a 400 says what to fix. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
  return `${path === '' ? 'body' : path}: ${issue.message}`;
}
