/**
 * `Retry-After` (RFC 9110 §10.2.3): either delay-seconds or an HTTP date. Returns the wait in
 * milliseconds, or undefined when the header is absent or unreadable (then our own backoff
 * applies). A date in the past means "now".
 */
export function parseRetryAfterMs(header: string | null, nowMs: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds) ? seconds * 1_000 : undefined;
  }
  // Only the IMF-fixdate shape servers send ("Sun, 06 Nov 1994 08:49:37 GMT"); Date.parse
  // alone would also accept things like "3" or "tomorrow-ish" strings on some engines.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
