/**
 * The operator API's inputs, parsed and checked before anything runs: the list's query, a
 * delivery id in the path, and the two replay bodies. Pure; a refusal is an ApiError (400)
 * naming the field, in the API's usual shape. The rules are the deliveries CLI's
 * (archive/inputs.ts), so the two accept the same values.
 */
import { CLAIM_STATUSES } from '@bgs/db';
import { z } from '@bgs/platform';
import {
  EVENT_ID_RULE,
  INSTANT_RULE,
  isDeliveryId,
  isFilterText,
  isReplayPrefix,
  MAX_FILTER_TEXT_LENGTH,
  parseInstant,
  REPLAY_PREFIX_RULE,
} from '../archive/inputs';
import type { ReplayIdentity } from '../archive/replay';
import type { RangeReplayRequest } from '../archive/replay-range';
import type { DeliveryFilter } from '../archive/store';
import { EVENT_TYPES, isEventId } from '../webhooks/events';
import { ApiError, invalidInput } from './http';

export const DEFAULT_LIST_LIMIT = 50;
/** A list answer stays under a megabyte or so; narrow since/until for more. */
export const MAX_LIST_LIMIT = 1_000;
/** A range replay call stays well inside REQUEST_TIMEOUT_MS; `continueAfter` goes on. */
export const DEFAULT_RANGE_LIMIT = 500;
export const MAX_RANGE_LIMIT = 2_000;

const instant = z
  .string()
  .refine((text) => parseInstant(text) !== undefined)
  .transform((text) => parseInstant(text) as Date);
const filterText = z.string().refine(isFilterText);
const digits = (max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

const listQuerySchema = z.strictObject({
  source: filterText.optional(),
  type: z.enum(EVENT_TYPES).optional(),
  status: z.enum(CLAIM_STATUSES).optional(),
  since: instant.optional(),
  until: instant.optional(),
  limit: digits(MAX_LIST_LIMIT).optional(),
});

const FILTER_MESSAGES = {
  source: `source must be 1 to ${MAX_FILTER_TEXT_LENGTH} characters without control characters`,
  type: `type must be one of ${EVENT_TYPES.join(', ')}`,
  status: `status must be one of ${CLAIM_STATUSES.join(', ')}`,
  since: `since must be ${INSTANT_RULE}`,
  until: `until must be ${INSTANT_RULE}`,
};
const LIST_MESSAGES = {
  ...FILTER_MESSAGES,
  limit: `limit must be an integer from 1 to ${MAX_LIST_LIMIT}`,
};

function ordered(since: Date | undefined, until: Date | undefined, where: 'body' | 'query') {
  if (since && until && since.getTime() >= until.getTime()) {
    throw new ApiError(400, {
      error: where === 'body' ? 'invalid_field' : 'invalid_query',
      field: 'until',
      message: 'until must be after since',
    });
  }
}

/** GET /deliveries: the CLI's filters, newest first, DEFAULT_LIST_LIMIT unless told. */
export function parseListQuery(query: unknown): { filter: DeliveryFilter; limit: number } {
  const parsed = listQuerySchema.safeParse(query ?? {});
  if (!parsed.success) throw invalidInput(parsed.error.issues, 'query', LIST_MESSAGES);
  const { source, type, status, since, until, limit } = parsed.data;
  ordered(since, until, 'query');
  const filter: DeliveryFilter = {
    ...(source === undefined ? {} : { source }),
    ...(type === undefined ? {} : { eventType: type }),
    ...(status === undefined ? {} : { status }),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  };
  return { filter, limit: limit ?? DEFAULT_LIST_LIMIT };
}

/** The `:id` of a delivery path, lower case. */
export function parseDeliveryId(id: unknown): string {
  if (typeof id !== 'string' || !isDeliveryId(id)) {
    throw new ApiError(400, {
      error: 'invalid_path',
      field: 'id',
      message: 'id must be a delivery id (a UUID, as the list shows it)',
    });
  }
  return id.toLowerCase();
}

const replayOneSchema = z.strictObject({ as: z.string().refine(isEventId).optional() });
const REPLAY_ONE_MESSAGES = { as: `as must be ${EVENT_ID_RULE}` };

/** POST /deliveries/:id/replay: no body or `{}` replays under the delivery's own event id. */
export function parseReplayOneBody(body: unknown): ReplayIdentity {
  const parsed = replayOneSchema.safeParse(body ?? {});
  if (!parsed.success) throw invalidInput(parsed.error.issues, 'body', REPLAY_ONE_MESSAGES);
  const as = parsed.data.as;
  return as === undefined ? { kind: 'same' } : { kind: 'as', eventId: as };
}

const replayRangeSchema = z.strictObject({
  since: instant,
  until: instant,
  source: filterText.optional(),
  asPrefix: z.string().refine(isReplayPrefix).optional(),
  limit: z.number().int().min(1).max(MAX_RANGE_LIMIT).optional(),
  after: z.string().refine(isDeliveryId).optional(),
});
const REPLAY_RANGE_MESSAGES = {
  since: `since is required: ${INSTANT_RULE}`,
  until: `until is required: ${INSTANT_RULE}`,
  source: FILTER_MESSAGES.source,
  asPrefix: `asPrefix must be ${REPLAY_PREFIX_RULE}`,
  limit: `limit must be an integer from 1 to ${MAX_RANGE_LIMIT}`,
  after: 'after must be a delivery id: the continueAfter of the previous answer',
};

/** A range replay as the API runs it: always with a limit. */
export interface RangeReplayInput extends RangeReplayRequest {
  readonly limit: number;
}

/** POST /deliveries/replay: a range [since, until), at most `limit` of it, after `after`. */
export function parseReplayRangeBody(body: unknown): RangeReplayInput {
  const parsed = replayRangeSchema.safeParse(body ?? {});
  if (!parsed.success) throw invalidInput(parsed.error.issues, 'body', REPLAY_RANGE_MESSAGES);
  const { since, until, source, asPrefix, limit, after } = parsed.data;
  ordered(since, until, 'body');
  return {
    filter: { since, until, ...(source === undefined ? {} : { source }) },
    identity: asPrefix === undefined ? { kind: 'same' } : { kind: 'prefix', prefix: asPrefix },
    limit: limit ?? DEFAULT_RANGE_LIMIT,
    ...(after === undefined ? {} : { after: after.toLowerCase() }),
  };
}
