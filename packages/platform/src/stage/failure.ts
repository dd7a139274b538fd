/**
 * Where a failed message goes next: the next retry tier while attempts remain; after the last
 * one, the stage's dead-letter topic, unless a dependency is what failed, in which case the
 * record is held on its partition and tried again until the dependency answers; straight to
 * the dead-letter topic when retrying cannot help (`failure-class.ts`).
 */
import { RETRY_DELAYS_MS, deadLetterTopic, retryTopic, type Stage } from '../kafka/topics';
import { classifyFailure, type FailureClass } from './failure-class';
import { Headers, type HeaderMap } from './headers';

export interface FailedDelivery {
  readonly stage: Stage;
  /** Where the message was first consumed from (not the retry topic it came back on). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: number;
  /** Failed deliveries before this one. */
  readonly attempt: number;
  readonly headers: HeaderMap;
  readonly error: unknown;
  readonly now: number;
  readonly delaysMs?: readonly number[];
  /** The failure's class (default: `classifyFailure(error)`). */
  readonly failureClass?: FailureClass;
  /** Times this record was already held on its partition (a transient failure past the tiers). */
  readonly holds?: number;
}

export type FailureRoute =
  | {
      readonly kind: 'retry' | 'dead_letter';
      readonly topic: string;
      readonly headers: Record<string, string>;
    }
  | {
      /** Not committed: its partition pauses, and the record is tried again after `retryInMs`. */
      readonly kind: 'hold';
      readonly retryInMs: number;
    };

/** The first hold waits 1 s, each next one twice as long, up to 30 s. */
export const HOLD_BACKOFF_MS = { first: 1_000, max: 30_000 } as const;

export function holdDelayMs(holds: number): number {
  return Math.min(HOLD_BACKOFF_MS.max, HOLD_BACKOFF_MS.first * 2 ** Math.min(holds, 16));
}

const MAX_ERROR_TEXT = 1000;

export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

export function routeFailure(failure: FailedDelivery): FailureRoute {
  const delays = failure.delaysMs ?? RETRY_DELAYS_MS;
  const failureClass = failure.failureClass ?? classifyFailure(failure.error);
  const delay = delays[failure.attempt];
  if (failureClass === 'transient' && delay === undefined) {
    return { kind: 'hold', retryInMs: holdDelayMs(failure.holds ?? 0) };
  }
  const attempt = failure.attempt + 1;
  const headers: Record<string, string> = {
    ...failure.headers,
    [Headers.attempt]: String(attempt),
    [Headers.originalTopic]: failure.topic,
    [Headers.originalPartition]: String(failure.partition),
    [Headers.originalOffset]: failure.offset,
    [Headers.originalTimestamp]: String(failure.timestamp),
    [Headers.error]: describeFailure(failure.error),
    [Headers.errorKind]: failureClass,
    [Headers.failedAt]: String(failure.now),
    [Headers.failedStage]: failure.stage,
  };
  if (failureClass === 'poison' || failureClass === 'permanent' || delay === undefined) {
    const { [Headers.notBefore]: _due, ...deadHeaders } = headers;
    return { topic: deadLetterTopic(failure.stage), kind: 'dead_letter', headers: deadHeaders };
  }
  return {
    topic: retryTopic(failure.stage, delay),
    kind: 'retry',
    headers: { ...headers, [Headers.notBefore]: String(failure.now + delay) },
  };
}
