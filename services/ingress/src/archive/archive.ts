/**
 * What the archive keeps of a verified delivery: the raw body, gzip-compressed, and only the
 * headers on an allow-list. An allow-list rather than a deny-list: a provider's next
 * credential header (`x-api-key`, `x-hook-secret`, a session cookie, ...) is never stored
 * because nobody thought to name it. Signatures are left out too: the archive is read by
 * operators, and a stored signature with its body and timestamp is a replayable request.
 */
import { promisify } from 'node:util';
import { gunzip, gzip, gzipSync } from 'node:zlib';

/** One delivery's archive row, as the claim statement writes it. */
export interface DeliveryArchive {
  /** The raw body, gzip. */
  readonly body: Buffer;
  /** The raw body's size before compression. */
  readonly bodyBytes: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The `webhook_events` id of the delivery this one replays under a new event id. */
  readonly replayOf: string | null;
}

/**
 * Header names kept, lower case. Each says what arrived and from what, and none proves
 * anything: the signature headers (`webhook-signature`, `x-signature`, `x-hub-signature*`),
 * `authorization`, `cookie` and every name not listed here are dropped.
 */
export const ARCHIVED_HEADERS: readonly string[] = [
  'content-type',
  'user-agent',
  // Standard Webhooks: the message id and the signed time.
  'webhook-id',
  'webhook-timestamp',
  // legacy-hmac: the signed time.
  'x-timestamp',
  // GitHub: what the delivery is and which hook sent it.
  'x-github-event',
  'x-github-delivery',
  'x-github-hook-id',
  'x-github-hook-installation-target-id',
  'x-github-hook-installation-target-type',
  // W3C trace context, to find the delivery's trace.
  'traceparent',
  'tracestate',
];

/** Longer values are cut: a header is a hint for an operator, not a place to keep data. */
export const MAX_ARCHIVED_HEADER_LENGTH = 1024;

export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The allowed headers of a request, names lower case, repeated values joined by ", ". */
export function archivedHeaders(incoming: IncomingHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(incoming)) {
    const name = rawName.toLowerCase();
    if (value === undefined || !ARCHIVED_HEADERS.includes(name)) continue;
    const text = typeof value === 'string' ? value : value.join(', ');
    kept[name] = text.slice(0, MAX_ARCHIVED_HEADER_LENGTH);
  }
  return kept;
}

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Bodies up to this size are compressed on the event loop. An asynchronous gzip pays for a
 * stream, a deflate state and a trip through the thread pool: for a typical 475-byte delivery
 * it cost 146-363 µs of CPU against 20 µs in line, and made zlib 16 % of the door's CPU profile
 * at 250 deliveries/s. In line, 16 KB takes about 0.1 ms; 256 KB (the body limit) takes
 * 3.3 ms, which would stall every other request, so larger bodies still go to the pool.
 */
export const INLINE_GZIP_MAX_BYTES = 16 * 1024;

export const compressesInline = (bytes: number): boolean => bytes <= INLINE_GZIP_MAX_BYTES;

const gzipBody = (raw: Buffer): Promise<Buffer> =>
  compressesInline(raw.length) ? Promise.resolve(gzipSync(raw)) : gzipAsync(raw);

export async function archiveOf(
  rawBody: Buffer,
  headers: IncomingHeaders,
  replayOf: string | null = null,
): Promise<DeliveryArchive> {
  return {
    body: await gzipBody(rawBody),
    bodyBytes: rawBody.length,
    headers: archivedHeaders(headers),
    replayOf,
  };
}

export const unpackBody = (body: Buffer): Promise<Buffer> => gunzipAsync(body);
