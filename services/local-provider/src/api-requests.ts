/**
 * What the provider API makes of a request, decided without I/O: the operation a path serves,
 * the idempotency key it can be logged under, and what the ledger is asked.
 */
import { IDEMPOTENCY_KEY, PROVIDER_ROUTES, type Operation, type ProviderRequest } from './contract';

const OPERATIONS = Object.keys(PROVIDER_ROUTES) as Operation[];
import { PRICE_USD, peopleDigest, requestDigest, type AskedRequest, type PaidCall } from './ledger';

/** The operation a path serves, or undefined for any other path. */
export function operationAt(path: string): Operation | undefined {
  const route = path.length > 1 ? path.replace(/\/$/, '') : path;
  return OPERATIONS.find((operation) => PROVIDER_ROUTES[operation] === route);
}

/** The idempotency-key header when it is a valid key: only then can the request be logged. */
export function validKey(header: string | undefined): string | undefined {
  return header !== undefined && IDEMPOTENCY_KEY.test(header) ? header : undefined;
}

/** A request refused before its body was read or found valid: no company, no people. */
export const unread = (
  operation: Operation,
  idempotencyKey: string,
  receivedAt: Date,
): AskedRequest => ({
  receivedAt,
  operation,
  idempotencyKey,
  companyId: null,
  peopleDigest: null,
});

/** A valid request as the ledger bills it: once per key, at the operation's price. */
export function paidCall(
  operation: Operation,
  idempotencyKey: string,
  receivedAt: Date,
  request: ProviderRequest,
): PaidCall {
  return {
    receivedAt,
    operation,
    idempotencyKey,
    companyId: request.companyId,
    peopleDigest: peopleDigest(request.people.map((person) => person.personId)),
    requestDigest: requestDigest(operation, request),
    costUsd: PRICE_USD[operation],
  };
}

/**
 * The operation and key an error met before the route (a body that is not JSON, or too large)
 * is logged under as a refusal: a client error on an operation with a valid key, not yet
 * answered. Undefined for anything else, which goes on to the app's handler.
 */
export function refusalToLog(refusal: {
  readonly path: string;
  readonly keyHeader: string | undefined;
  readonly status: number;
  readonly headersSent: boolean;
}): { readonly operation: Operation; readonly key: string } | undefined {
  const operation = operationAt(refusal.path);
  const key = validKey(refusal.keyHeader);
  if (operation === undefined || key === undefined) return undefined;
  if (refusal.status >= 500 || refusal.headersSent) return undefined;
  return { operation, key };
}
