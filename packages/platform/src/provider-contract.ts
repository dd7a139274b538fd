/**
 * The enrichment provider's HTTP contract, in one place: the request body both calls send, the
 * reply bodies, and the idempotency key header. The enricher's adapter
 * (services/enricher/src/provider) validates replies with these schemas; the local provider
 * (services/local-provider) validates requests with them and builds replies to fit them.
 *
 * Every string and list is bounded: a reply is stored and re-published, so a broken provider
 * must not be able to push megabytes into a buyer group.
 */
import { z } from 'zod';

/** The two calls: POST /v1/contacts/enrich and POST /v1/research. */
export type ProviderOperation = 'enrich' | 'research';

/** Where the provider's API lives below its base URL: the contract's version. */
export const PROVIDER_API_PREFIX = '/v1';

/** Each call's route below PROVIDER_API_PREFIX (the local provider mounts its router there). */
export const PROVIDER_ROUTES: Readonly<Record<ProviderOperation, string>> = {
  enrich: '/contacts/enrich',
  research: '/research',
};

/** A call's path below the provider's base URL, e.g. /v1/contacts/enrich. */
export function providerPath(operation: ProviderOperation): string {
  return `${PROVIDER_API_PREFIX}${PROVIDER_ROUTES[operation]}`;
}

/** Visible ASCII, as an HTTP header value and a log field can carry it unchanged. */
export const PROVIDER_IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const PROVIDER_REQUEST_LIMITS = { people: 1_000, id: 200, text: 500 } as const;

export const PROVIDER_REPLY_LIMITS = {
  people: 1_000,
  id: 200,
  email: 320,
  phone: 64,
  url: 2_048,
  summary: 4_000,
  companySummary: 8_000,
  priorities: 20,
  priority: 500,
} as const;

/** One person a call asks about. */
export interface ProviderPerson {
  readonly personId: string;
  readonly fullName: string | null;
  readonly title: string | null;
  readonly department: string | null;
}

/** The body of both calls (the idempotency key travels in the `idempotency-key` header). */
export interface ProviderRequest {
  readonly companyId: string;
  readonly people: readonly ProviderPerson[];
}

export interface ContactEnrichment {
  readonly personId: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly linkedinUrl: string | null;
  readonly verified: boolean;
}

/** The reply to POST /v1/contacts/enrich. */
export interface EnrichContactsReply {
  readonly contacts: readonly ContactEnrichment[];
}

export interface PersonInsight {
  readonly personId: string;
  readonly summary: string;
  readonly priorities: readonly string[];
}

/** The reply to POST /v1/research. */
export interface ResearchReply {
  readonly companySummary: string;
  readonly insights: readonly PersonInsight[];
}

const requestText = z.string().max(PROVIDER_REQUEST_LIMITS.text).nullable();

export const providerRequestSchema = z.object({
  companyId: z.string().min(1).max(PROVIDER_REQUEST_LIMITS.id),
  people: z
    .array(
      z.object({
        personId: z.string().min(1).max(PROVIDER_REQUEST_LIMITS.id),
        fullName: requestText,
        title: requestText,
        department: requestText,
      }),
    )
    .max(PROVIDER_REQUEST_LIMITS.people),
});

const replyPersonId = z.string().min(1).max(PROVIDER_REPLY_LIMITS.id);

export const enrichContactsReplySchema = z.object({
  contacts: z
    .array(
      z.object({
        personId: replyPersonId,
        email: z.string().min(3).max(PROVIDER_REPLY_LIMITS.email).nullable(),
        phone: z.string().min(1).max(PROVIDER_REPLY_LIMITS.phone).nullable(),
        linkedinUrl: z
          .url({ protocol: /^https?$/ })
          .max(PROVIDER_REPLY_LIMITS.url)
          .nullable(),
        verified: z.boolean(),
      }),
    )
    .max(PROVIDER_REPLY_LIMITS.people),
});

export const researchReplySchema = z.object({
  companySummary: z.string().max(PROVIDER_REPLY_LIMITS.companySummary),
  insights: z
    .array(
      z.object({
        personId: replyPersonId,
        summary: z.string().max(PROVIDER_REPLY_LIMITS.summary),
        priorities: z
          .array(z.string().max(PROVIDER_REPLY_LIMITS.priority))
          .max(PROVIDER_REPLY_LIMITS.priorities),
      }),
    )
    .max(PROVIDER_REPLY_LIMITS.people),
});

/**
 * Compile-time: each schema parses to exactly its interface (readonly aside), so a field added
 * to one and not the other fails the build.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Mutable<T> = T extends readonly (infer Item)[]
  ? Mutable<Item>[]
  : T extends object
    ? { -readonly [Key in keyof T]: Mutable<T[Key]> }
    : T;
const matches = <_Check extends true>(): void => undefined;
matches<Same<z.output<typeof providerRequestSchema>, Mutable<ProviderRequest>>>();
matches<Same<z.output<typeof enrichContactsReplySchema>, Mutable<EnrichContactsReply>>>();
matches<Same<z.output<typeof researchReplySchema>, Mutable<ResearchReply>>>();
