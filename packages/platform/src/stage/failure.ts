/**
 * Where a failed message goes next: the next retry tier while attempts remain, the stage's
 * dead-letter topic after the last one, or straight there when retrying cannot help.
 */
import { RETRY_DELAYS_MS, deadLetterTopic, retryTopic, type Stage } from '../kafka/topics';
import { Headers, type HeaderMap } from './headers';

/**
 * Input that can never succeed as it is (undecodable, invalid): it goes to the dead-letter
 * topic at once instead of cycling through the retry tiers.
 */
export class PoisonMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PoisonMessageError';
  }
}

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
}

export interface FailureRoute {
  readonly topic: string;
  readonly kind: 'retry' | 'dead_letter';
  readonly headers: Record<string, string>;
}

const MAX_ERROR_TEXT = 1000;

export function describeFailure(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

export function routeFailure(failure: FailedDelivery): FailureRoute {
  const delays = failure.delaysMs ?? RETRY_DELAYS_MS;
  const poison = failure.error instanceof PoisonMessageError;
  const attempt = failure.attempt + 1;
  const headers: Record<string, string> = {
    ...failure.headers,
    [Headers.attempt]: String(attempt),
    [Headers.originalTopic]: failure.topic,
    [Headers.originalPartition]: String(failure.partition),
    [Headers.originalOffset]: failure.offset,
    [Headers.originalTimestamp]: String(failure.timestamp),
    [Headers.error]: describeFailure(failure.error),
    [Headers.errorKind]: poison ? 'poison' : 'failed',
    [Headers.failedAt]: String(failure.now),
    [Headers.failedStage]: failure.stage,
  };
  const delay = delays[failure.attempt];
  if (poison || delay === undefined) {
    const { [Headers.notBefore]: _due, ...deadHeaders } = headers;
    return { topic: deadLetterTopic(failure.stage), kind: 'dead_letter', headers: deadHeaders };
  }
  return {
    topic: retryTopic(failure.stage, delay),
    kind: 'retry',
    headers: { ...headers, [Headers.notBefore]: String(failure.now + delay) },
  };
}
