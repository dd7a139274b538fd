/**
 * What the adapter sends: one logical call's body, headers and idempotency key (the same on
 * every attempt), and what its span says about it. Pure.
 */
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  PROVIDER_IDEMPOTENCY_KEY,
  enrichContactsReplySchema,
  providerPath,
  researchReplySchema,
  type Attributes,
  type ProviderOperation,
  type z,
} from '@bgs/platform';
import {
  ProviderError,
  type EnrichContactsReply,
  type EnrichContactsRequest,
  type ResearchReply,
  type ResearchRequest,
} from './port';

/** How a call's reply is checked: its shape, and the people it names. */
export interface ReplyContract<T> {
  readonly schema: z.ZodType<T>;
  readonly peopleOf: (reply: T) => readonly { readonly personId: string }[];
}

export const REPLY_CONTRACTS: {
  readonly enrich: ReplyContract<EnrichContactsReply>;
  readonly research: ReplyContract<ResearchReply>;
} = {
  enrich: { schema: enrichContactsReplySchema, peopleOf: (reply) => reply.contacts },
  research: { schema: researchReplySchema, peopleOf: (reply) => reply.insights },
};

/** One logical call: the same body and idempotency key on every attempt. */
export interface CallSpec<T> extends ReplyContract<T> {
  readonly operation: ProviderOperation;
  readonly idempotencyKey: string;
  readonly body: string;
  readonly asked: ReadonlySet<string>;
}

export function callSpec<T>(
  operation: ProviderOperation,
  request: EnrichContactsRequest | ResearchRequest,
  contract: ReplyContract<T>,
): CallSpec<T> {
  const people = request.people.map(({ personId, fullName, title, department }) => ({
    personId,
    fullName,
    title,
    department,
  }));
  return {
    ...contract,
    operation,
    idempotencyKey: request.idempotencyKey,
    // Only the contract's fields: a caller's richer objects must not leak extra data out.
    body: JSON.stringify({ companyId: request.companyId, people }),
    asked: new Set(people.map((person) => person.personId)),
  };
}

/** fetch would refuse such a header on every attempt; that is our bug, not the provider's. */
export function assertSendableIdempotencyKey(
  call: Pick<CallSpec<unknown>, 'operation' | 'idempotencyKey'>,
): void {
  if (!PROVIDER_IDEMPOTENCY_KEY.test(call.idempotencyKey)) {
    throw new ProviderError(
      `idempotency key for the ${call.operation} call must be 1 to 255 visible ASCII characters`,
      'rejected',
      false,
    );
  }
}

/** One attempt's request: the call's body with auth and its idempotency key. */
export function requestInit(
  call: Pick<CallSpec<unknown>, 'idempotencyKey' | 'body'>,
  apiKey: string,
  signal: AbortSignal,
): RequestInit {
  return {
    method: 'POST',
    headers: {
      authorization: `Bearer ${apiKey}`,
      'idempotency-key': call.idempotencyKey,
      'content-type': 'application/json',
      accept: 'application/json',
    },
    body: call.body,
    // A redirect would be a misconfiguration; following it could carry the key elsewhere.
    redirect: 'manual',
    signal,
  };
}

/** What a provider call's span says about it: never the people, only how many. */
export function providerSpanAttributes(
  baseUrl: string,
  operation: ProviderOperation,
  request: { readonly companyId: string; readonly people: readonly unknown[] },
): Attributes {
  const url = new URL(baseUrl);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return {
    [ATTR_HTTP_REQUEST_METHOD]: 'POST',
    [ATTR_SERVER_ADDRESS]: url.hostname,
    [ATTR_SERVER_PORT]: port,
    [ATTR_URL_PATH]: `${url.pathname.replace(/\/+$/, '')}${providerPath(operation)}`,
    'bgs.provider.operation': operation,
    'bgs.company_id': request.companyId,
    'bgs.provider.people': request.people.length,
  };
}
