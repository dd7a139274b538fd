/**
 * What an operator may ask of the archive, as rules shared by the deliveries CLI's arguments
 * and the operator API's queries and bodies, so both accept and refuse the same values.
 */
import { isEventId } from '../webhooks/events';

/**
 * A date (midnight UTC), or a date and time with its zone: never a bare number, and never a
 * time without a zone, which JavaScript would read in the machine's zone.
 */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

export const INSTANT_RULE =
  'an ISO date, or a date and time with its zone, e.g. 2026-12-01T09:00:00Z';

/** The instant `text` names, or undefined when it is not one by INSTANT_RULE. */
export function parseInstant(text: string): Date | undefined {
  const date = new Date(text);
  return ISO_DATE.test(text) && !Number.isNaN(date.getTime()) ? date : undefined;
}

export const MAX_FILTER_TEXT_LENGTH = 200;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** A source name to filter on: 1 to 200 characters, no control characters. */
export const isFilterText = (text: string): boolean =>
  text.length >= 1 && text.length <= MAX_FILTER_TEXT_LENGTH && !CONTROL_CHARACTER.test(text);

export const EVENT_ID_RULE = '1 to 200 characters of A-Z, a-z, 0-9, ".", "_", ":", "-"';

/** Short enough that a prefixed id (at most 200 characters) is left room for the original. */
export const MAX_REPLAY_PREFIX_LENGTH = 100;
export const REPLAY_PREFIX_RULE = `1 to ${MAX_REPLAY_PREFIX_LENGTH} characters of A-Z, a-z, 0-9, ".", "_", ":", "-"`;

export const isReplayPrefix = (prefix: string): boolean =>
  prefix.length <= MAX_REPLAY_PREFIX_LENGTH && isEventId(prefix);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A delivery id is its `webhook_events` row's UUID. */
export const isDeliveryId = (text: string): boolean => UUID.test(text);
