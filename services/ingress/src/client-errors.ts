/**
 * Errors raised while reading a request (body-parser, raw-body, the router's path decoding)
 * that are the client's doing, mapped once to the JSON answer every route gives for them.
 */
export interface ClientErrorAnswer {
  readonly status: number;
  readonly body: { readonly error: string; readonly message: string };
}

export function clientErrorAnswer(error: unknown): ClientErrorAnswer | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status, limit } = error as { type?: unknown; status?: unknown; limit?: unknown };
  switch (type) {
    case 'entity.too.large':
      return {
        status: 413,
        body: { error: 'payload_too_large', message: `the body limit is ${String(limit)} bytes` },
      };
    case 'entity.parse.failed':
      return {
        status: 400,
        body: { error: 'malformed_json', message: 'the body is not valid JSON' },
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        status: 415,
        body: {
          error: 'unsupported_media_type',
          message: 'send uncompressed UTF-8 application/json',
        },
      };
  }
  // Anything else that carries a 4xx: a bad path encoding, a body that is not what its
  // Content-Encoding says, a body cut short.
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, body: { error: 'bad_request', message: 'the request could not be read' } };
  }
  return undefined;
}
