/**
 * The deliveries CLI's arguments, parsed into a command or a usage error. Pure; the CLI
 * (deliveries.ts) runs the command.
 */
import { parseArgs } from 'node:util';
import { CLAIM_STATUSES, type ClaimStatus } from '@bgs/db';
import type { DeliveryFilter } from '../archive/store';
import type { ReplayIdentity } from '../archive/replay';
import { EVENT_TYPES, isEventId } from '../webhooks/events';
import { UsageError } from './run';
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

export const USAGE = [
  'usage: deliveries list [--source S] [--type T] [--status claimed|enqueued]',
  '                       [--since ISO] [--until ISO] [--limit N] [--json]',
  '       deliveries show <id> [--json]',
  '       deliveries replay <id> [--as <new event id>]',
  '       deliveries replay --since ISO --until ISO [--source S] [--as-prefix P]',
].join('\n');

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 10_000;

export type DeliveriesCommand =
  | { readonly kind: 'help' }
  | {
      readonly kind: 'list';
      readonly filter: DeliveryFilter;
      readonly limit: number;
      readonly json: boolean;
    }
  | { readonly kind: 'show'; readonly id: string; readonly json: boolean }
  | { readonly kind: 'replay-one'; readonly id: string; readonly identity: ReplayIdentity }
  | {
      readonly kind: 'replay-range';
      readonly filter: DeliveryFilter & { readonly since: Date; readonly until: Date };
      readonly identity: ReplayIdentity;
    };

const OPTIONS = {
  source: { type: 'string' },
  type: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  as: { type: 'string' },
  'as-prefix': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

export function parseDeliveriesArgs(argv: readonly string[]): DeliveriesCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') return { kind: 'help' };
  const only = (allowed: readonly (keyof Values)[]): void => {
    const extra = Object.keys(values).find((key) => !allowed.includes(key as keyof Values));
    if (extra !== undefined) throw new UsageError(`${command} does not take --${extra}`);
  };
  switch (command) {
    case 'list':
      only(['source', 'type', 'status', 'since', 'until', 'limit', 'json']);
      noMore(rest);
      return {
        kind: 'list',
        filter: filterOf(values),
        limit: limitOf(values.limit),
        json: values.json === true,
      };
    case 'show':
      only(['json']);
      return { kind: 'show', id: oneId(rest, 'show'), json: values.json === true };
    case 'replay':
      return rest.length > 0 ? replayOne(rest, values, only) : replayRange(values, only);
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

function replayOne(
  rest: readonly string[],
  values: Values,
  only: (allowed: readonly (keyof Values)[]) => void,
): DeliveriesCommand {
  only(['as']);
  const id = oneId(rest, 'replay');
  if (values.as === undefined) return { kind: 'replay-one', id, identity: { kind: 'same' } };
  if (!isEventId(values.as)) {
    throw new UsageError(`--as must be ${EVENT_ID_RULE}`);
  }
  return { kind: 'replay-one', id, identity: { kind: 'as', eventId: values.as } };
}

function replayRange(
  values: Values,
  only: (allowed: readonly (keyof Values)[]) => void,
): DeliveriesCommand {
  only(['since', 'until', 'source', 'as-prefix']);
  const filter = filterOf(values);
  const { since, until } = filter;
  if (since === undefined || until === undefined) {
    throw new UsageError('replay takes a delivery id, or both --since and --until');
  }
  const prefix = values['as-prefix'];
  if (prefix === undefined) {
    return {
      kind: 'replay-range',
      filter: { ...filter, since, until },
      identity: { kind: 'same' },
    };
  }
  if (!isReplayPrefix(prefix)) throw new UsageError(`--as-prefix must be ${REPLAY_PREFIX_RULE}`);
  return {
    kind: 'replay-range',
    filter: { ...filter, since, until },
    identity: { kind: 'prefix', prefix },
  };
}

function filterOf(values: Values): DeliveryFilter {
  const since = values.since === undefined ? undefined : dateOf(values.since, '--since');
  const until = values.until === undefined ? undefined : dateOf(values.until, '--until');
  if (since && until && since.getTime() >= until.getTime()) {
    throw new UsageError('--since must be before --until');
  }
  return {
    ...(values.source === undefined ? {} : { source: text(values.source, '--source') }),
    ...(values.type === undefined ? {} : { eventType: eventTypeOf(values.type) }),
    ...(values.status === undefined ? {} : { status: statusOf(values.status) }),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
}

function dateOf(value: string, option: string): Date {
  const date = parseInstant(value);
  if (!date) throw new UsageError(`${option} must be ${INSTANT_RULE}`);
  return date;
}

function eventTypeOf(value: string): string {
  if (!(EVENT_TYPES as readonly string[]).includes(value)) {
    throw new UsageError(`--type must be one of: ${EVENT_TYPES.join(', ')}`);
  }
  return value;
}

function statusOf(value: string): ClaimStatus {
  const status = CLAIM_STATUSES.find((known) => known === value);
  if (!status) throw new UsageError(`--status must be one of: ${CLAIM_STATUSES.join(', ')}`);
  return status;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIST_LIMIT;
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new UsageError(`--limit must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  }
  return limit;
}

function text(value: string, option: string): string {
  const trimmed = value.trim();
  if (!isFilterText(trimmed)) {
    throw new UsageError(`${option} must be 1 to ${MAX_FILTER_TEXT_LENGTH} printable characters`);
  }
  return trimmed;
}

function oneId(rest: readonly string[], command: string): string {
  if (rest.length !== 1) throw new UsageError(`${command} takes exactly one delivery id`);
  const id = rest[0] as string;
  if (!isDeliveryId(id))
    throw new UsageError(`${JSON.stringify(id)} is not a delivery id (a UUID)`);
  return id.toLowerCase();
}

function noMore(rest: readonly string[]): void {
  if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
}
