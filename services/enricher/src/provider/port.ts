/**
 * The port through which the enricher buys contact data and research from an external
 * provider. The stage depends on this interface only; `http-provider.ts` is the adapter.
 */
import type { FailureClass } from '@bgs/platform';

export interface ContactInput {
  readonly personId: string;
  readonly fullName: string | null;
  readonly title: string | null;
  readonly department: string | null;
}

export interface EnrichContactsRequest {
  /** Sent unchanged on every retry, so the provider charges once per logical call. */
  readonly idempotencyKey: string;
  readonly companyId: string;
  readonly people: readonly ContactInput[];
}

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

export interface ResearchRequest {
  /** Sent unchanged on every retry, so the provider charges once per logical call. */
  readonly idempotencyKey: string;
  readonly companyId: string;
  readonly people: readonly ContactInput[];
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

export interface EnrichmentProvider {
  enrichContacts(
    request: EnrichContactsRequest,
    signal?: AbortSignal,
  ): Promise<EnrichContactsReply>;
  research(request: ResearchRequest, signal?: AbortSignal): Promise<ResearchReply>;
}

export type ProviderErrorKind =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'malformed_reply'
  | 'circuit_open'
  | 'rejected';

/**
 * retryable: worth another attempt later (429, 5xx, timeout, network, malformed reply, open
 * circuit); not retryable: 4xx other than 408/429 (our request is wrong).
 */
export class ProviderError extends Error {
  override readonly name = 'ProviderError';

  constructor(
    message: string,
    readonly kind: ProviderErrorKind,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Provider failures that are the provider being unavailable, not the record being wrong. */
const UNAVAILABLE_KINDS: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limited',
  'server_error',
  'timeout',
  'network',
  'circuit_open',
]);

/**
 * The stage runtime's class of a provider failure: an unavailable provider (5xx, 408, 429,
 * timeouts, an open circuit) is retried until it answers, never dead-lettered; a refusal (any
 * other 4xx) is permanent; a malformed reply is retried, then dead-lettered with its reason.
 */
export function providerFailureClass(error: unknown): FailureClass | undefined {
  if (!(error instanceof ProviderError)) return undefined;
  if (error.kind === 'rejected') return 'permanent';
  return UNAVAILABLE_KINDS.has(error.kind) ? 'transient' : 'failed';
}
