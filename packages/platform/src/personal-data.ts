/**
 * Masking of the personal data that can turn up in free text: e-mail addresses and phone
 * numbers. The one home of the patterns: the logger masks every string it writes with
 * `maskPersonalData` (through `maskString`), and so does `dead-letters show` unless asked to
 * `--reveal` (docs/personal-data.md).
 *
 * A match is replaced whole by a fixed token, not partly kept (`j***@example.com`): an
 * initial and a company domain are enough to single out a person at a small company, and a
 * fixed token still tells a reader that an address was there.
 *
 * Phone numbers are matched conservatively, because log lines are full of digits that are
 * not phone numbers (ids, offsets, epoch milliseconds, ports, durations, UUIDs, timestamps):
 *  - international: `+` (or `%2B`) and 8 to 15 digits in all (E.164), either in one run
 *    (`+14155550100`) or in groups split by single spaces, dots or hyphens, with at most one
 *    parenthesised group (`+1 415 555 0142`, `+1 (415) 555-0100`, `+44 20 7946 0958`);
 *  - national, in the North American shape: `415-555-0100`, `415.555.0100` (one separator,
 *    the same twice), `(415) 555-0100`.
 * A bare run of digits (`14155550100`) is never taken for a phone number: it cannot be told
 * from an id or a timestamp. Numbers grouped with spaces but without `+` or parentheses
 * (`415 555 0100`) are not masked either, for the same reason.
 */

export const EMAIL_TOKEN = '[email]';
export const PHONE_TOKEN = '[phone]';

/**
 * Local part, `@` (or its URL encoding `%40`), and a domain whose last label is letters.
 * Unicode letters count: providers send what people typed. The bounds are RFC 5321's (64 for
 * the local part, 63 a label) and keep the scan linear on long strings without an `@`.
 */
const EMAIL =
  /[\p{L}\p{N}._%+-]{1,64}(?:@|%40)[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){0,8}\.\p{L}{2,63}/gu;

/**
 * `+` (or `%2B`) not glued to a word or another `+`, then one run of digits, or a country code
 * and groups. What it matches is a candidate: `isPhoneNumber` checks the digit count.
 */
const INTERNATIONAL =
  /(?<![\p{L}\p{N}_+])(?:\+|%2[Bb])(?:\d{7,15}|\d{1,4}(?:[ .-]?\(\d{1,5}\)[ .-]?\d{1,10}(?:[ .-]\d{1,10}){0,5}|(?:[ .-]\d{1,10}){1,6}))(?![\p{L}\p{N}_])/gu;

/**
 * 3-3-4 digits, not inside a longer run of digits, letters, dots or hyphens (so no piece of a
 * UUID, an IP address, a date or an id like `p-00042-061` is ever taken).
 */
const NATIONAL =
  /(?<![\p{L}\p{N}_+.-])(?:\(\d{3}\) ?\d{3}[ .-]\d{4}|\d{3}([.-])\d{3}\1\d{4})(?![\p{L}\p{N}_]|[.-]\d)/gu;

/** E.164 allows at most 15 digits; fewer than 8 is a short code or not a phone number. */
function isPhoneNumber(candidate: string): boolean {
  const digits = candidate.replace(/^%2[Bb]/, '').replace(/\D/g, '').length;
  return digits >= 8 && digits <= 15;
}

/** Every e-mail address and phone number in `text`, replaced by `[email]` and `[phone]`. */
export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, EMAIL_TOKEN)
    .replace(INTERNATIONAL, (match) => (isPhoneNumber(match) ? PHONE_TOKEN : match))
    .replace(NATIONAL, PHONE_TOKEN);
}
