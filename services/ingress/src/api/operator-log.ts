/**
 * What the operator API logs of a replay: who replayed what, and how it went. Never the body:
 * a delivery holds personal data, which goes to the operator who asked and never to a log.
 */
import type { ReplayResult } from '../archive/replay';
import type { RangeReplayOutcome } from '../archive/replay-range';
import type { RangeReplayInput } from './operator-input';

export interface LogLine {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** The line of one delivery's replay: a warning when it failed, with why. */
export function replayLogLine(
  apiKeyId: string,
  deliveryId: string,
  source: string,
  result: ReplayResult,
): LogLine {
  const context = {
    apiKeyId,
    deliveryId,
    source,
    eventId: result.eventId,
    outcome: result.kind === 'skipped' ? result.reason : result.kind,
  };
  if (result.kind === 'failed') {
    return {
      level: 'warn',
      message: 'delivery not replayed',
      meta: { ...context, error: result.reason },
    };
  }
  return {
    level: 'info',
    message: 'delivery replayed',
    meta: {
      ...context,
      ...(result.kind === 'enqueued' && result.warning ? { warning: result.warning } : {}),
    },
  };
}

/** The line of a range replay: the range asked for and the tally of this call. */
export function rangeReplayLogMeta(
  apiKeyId: string,
  request: RangeReplayInput,
  outcome: RangeReplayOutcome,
): Record<string, unknown> {
  return {
    apiKeyId,
    since: request.filter.since.toISOString(),
    until: request.filter.until.toISOString(),
    source: request.filter.source,
    ...outcome.tally,
    remaining: outcome.remaining,
  };
}
