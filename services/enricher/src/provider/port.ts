/**
 * The port through which the enricher buys contact data and research from an external
 * provider. The stage depends on this interface only; `http-provider.ts` is the adapter.
 */
import type {
  ContactEnrichment,
  EnrichContactsReply,
  FailureClass,
  PersonInsight,
  ProviderPerson,
  ProviderRequest,
  ResearchReply,
} from '@bgs/platform';

/** The bodies are the provider contract's (@bgs/platform, provider-contract.ts). */
export type { ContactEnrichment, EnrichContactsReply, PersonInsight, ResearchReply };

export type ContactInput = ProviderPerson;

/** A call's body (the contract's) and its idempotency key. */
export interface EnrichContactsRequest extends ProviderRequest {
  /** Sent unchanged on every retry, so the provider charges once per logical call. */
  readonly idempotencyKey: string;
}

export type ResearchRequest = EnrichContactsRequest;

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
