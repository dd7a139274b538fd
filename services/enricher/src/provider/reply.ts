/**
 * What the adapter accepts back: a 2xx reply within its size, in JSON, of the contract's shape,
 * about only the people asked about. Anything else fails the attempt.
 */
import type { ProviderOperation, z } from '@bgs/platform';
import { AttemptError, statusError } from './failures';
import type { CallSpec } from './request';

/** Larger replies are refused while they stream, before they are held in memory. */
const MAX_REPLY_BYTES = 4 * 1024 * 1024;
/** How much of an error reply's body makes it into the error message. */
const ERROR_SNIPPET_BYTES = 300;

/** One HTTP attempt's reply: status, size, JSON and shape are all checked before it counts as ok. */
export async function checkedReply<T>(
  call: CallSpec<T>,
  response: Response,
  scrub: (text: string) => string,
): Promise<T> {
  const { operation } = call;
  if (!response.ok) {
    const snippet = await readBody(response, ERROR_SNIPPET_BYTES, 'truncate');
    throw statusError(
      operation,
      {
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        snippet: scrub(snippet),
      },
      Date.now(),
    );
  }
  const text = await readBody(response, MAX_REPLY_BYTES, 'refuse');
  const reply = parseReply(operation, text, call.schema);
  assertOnlyAskedPeople(operation, call.peopleOf(reply), call.asked);
  return reply;
}

/** A reply about people we did not send means the provider mixed up calls. */
export function assertOnlyAskedPeople(
  operation: ProviderOperation,
  people: readonly { readonly personId: string }[],
  asked: ReadonlySet<string>,
): void {
  if (people.some((person) => !asked.has(person.personId))) {
    throw new AttemptError(
      `provider ${operation} reply names a person that was not asked about`,
      'malformed_reply',
      true,
      200,
    );
  }
}

export function parseReply<T>(operation: ProviderOperation, text: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AttemptError(`provider ${operation} reply is not JSON`, 'malformed_reply', true, 200);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new AttemptError(
      `provider ${operation} reply does not match the contract at ${where}: ${issue?.message ?? 'invalid'}`,
      'malformed_reply',
      true,
      200,
    );
  }
  return parsed.data;
}

/**
 * Reads a reply body as UTF-8 up to `limit` bytes. `truncate` keeps the first bytes (error
 * snippets); `refuse` fails the attempt as malformed (a reply that large is not ours).
 */
async function readBody(
  response: Response,
  limit: number,
  mode: 'truncate' | 'refuse',
): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        if (mode === 'refuse') {
          throw new AttemptError(
            `provider reply exceeds ${limit} bytes`,
            'malformed_reply',
            true,
            response.status,
          );
        }
        chunks.push(value.subarray(0, value.byteLength - (size - limit)));
        break;
      }
      chunks.push(value);
    }
  } finally {
    // Releases the connection when we stop early; a no-op once the stream is done.
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8');
}
