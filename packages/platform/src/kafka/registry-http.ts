/**
 * The schema registry's Confluent-compatible REST API, called directly (for registration and
 * compatibility, which `schema-codec.ts` does not leave to the client library): JSON both ways,
 * a timeout per request, and a registry's refusal as a `SchemaRegistryError`.
 */

export class SchemaRegistryError extends Error {
  override readonly name = 'SchemaRegistryError';

  constructor(
    message: string,
    readonly status: number,
    readonly errorCode?: number,
  ) {
    super(message);
  }
}

/** One REST call: resolves to the reply's JSON (undefined when empty or not JSON). */
export type RegistryHttp = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/** A reply body as JSON, or undefined when it is empty or not JSON. */
export function replyJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A reply that is not 2xx: the registry's own message and error code when it gave them. */
export function registryError(
  request: { readonly method: string; readonly path: string },
  status: number,
  text: string,
): SchemaRegistryError {
  const detail = replyJson(text) as { message?: unknown; error_code?: unknown } | undefined;
  const message = typeof detail?.message === 'string' ? detail.message : text.slice(0, 500);
  return new SchemaRegistryError(
    `${request.method} ${request.path} failed with ${status}: ${message}`,
    status,
    typeof detail?.error_code === 'number' ? detail.error_code : undefined,
  );
}

/** Calls below `base` (no trailing slash), each given `timeoutMs` to answer. */
export function registryHttp(base: string, timeoutMs: number): RegistryHttp {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        accept: `${CONTENT_TYPE}, application/json`,
        ...(body !== undefined ? { 'content-type': CONTENT_TYPE } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw registryError({ method, path }, response.status, text);
    return replyJson(text) as T;
  };
}
