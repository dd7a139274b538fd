/**
 * The provider's HTTP contract, as the enricher's adapter (services/enricher/src/provider)
 * speaks it. Requests are validated here; replies are built to fit the adapter's bounds.
 */
import { z } from '@bgs/platform';

export type Operation = 'enrich' | 'research';

export const REQUEST_LIMITS = { people: 1_000, id: 200, text: 500 } as const;

const text = z.string().max(REQUEST_LIMITS.text).nullable();

export const providerRequestSchema = z.object({
  companyId: z.string().min(1).max(REQUEST_LIMITS.id),
  people: z
    .array(
      z.object({
        personId: z.string().min(1).max(REQUEST_LIMITS.id),
        fullName: text,
        title: text,
        department: text,
      }),
    )
    .max(REQUEST_LIMITS.people),
});

export type ProviderRequest = z.output<typeof providerRequestSchema>;
export type RequestedPerson = ProviderRequest['people'][number];

export interface ContactEnrichment {
  readonly personId: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly linkedinUrl: string | null;
  readonly verified: boolean;
}

export interface EnrichContactsReply {
  readonly contacts: readonly ContactEnrichment[];
}

export interface PersonInsight {
  readonly personId: string;
  readonly summary: string;
  readonly priorities: readonly string[];
}

export interface ResearchReply {
  readonly companySummary: string;
  readonly insights: readonly PersonInsight[];
}

/** `people[0].personId: …`: the field first, so a 400 says what to fix. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
  return `${path === '' ? 'body' : path}: ${issue.message}`;
}

/** Visible ASCII, as an HTTP header value and a log field can carry it unchanged. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
