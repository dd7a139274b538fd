/**
 * The rules of one slice of a partition batch, apart from its I/O (the kafkajs payload, the
 * transaction, metrics and spans stay in `stage-consumer.ts`):
 *
 * - `readSlice`: which records of the slice are handled, and where it stops: at the first record
 *   not due yet (`bgs-not-before`), whose partition then pauses until `dueAt`.
 * - `handleSlice`: the handler runs on the whole slice; when that fails, on each record alone, so
 *   one bad record cannot take its neighbours down.
 * - `decideSlice`: the slice is committed with its outputs and its failures' retry or dead-letter
 *   records, unless a failure must be held on its partition, in which case nothing is.
 * - `afterSlice`: whether the batch goes on with its next slice, stops, or pauses until a record
 *   is due.
 */
import type { KafkaMessage } from 'kafkajs';
import type { FailureRoute } from './failure';
import { Headers, integerHeader, readHeaders, type HeaderMap } from './headers';
import type { TransactionalRecord } from './transactional-producers';

/** When a record is due, if that is after `now` (its `bgs-not-before`); else undefined. */
export function notDueUntil(headers: HeaderMap, now: number): number | undefined {
  const notBefore = integerHeader(headers, Headers.notBefore, 0);
  return notBefore > now ? notBefore : undefined;
}

/** A message decoded: a record to handle, a failure already (its bytes), or nothing to do. */
export interface Decoded<P, F> {
  readonly pending?: P;
  readonly failure?: F;
  readonly skipped?: true;
}

export interface SliceRead<M, P, F> {
  /** The records to handle, in order. */
  readonly pending: readonly P[];
  /** The records that failed to decode, in order. */
  readonly failures: readonly F[];
  /** Messages with nothing to do (tombstones, another group's retries). */
  readonly skipped: number;
  /** The last message read; none when the slice stopped at its first message (or is empty). */
  readonly last: M | undefined;
  /** When the message the slice stopped at is due; undefined when every message was read. */
  readonly dueAt: number | undefined;
}

export interface SliceReader<M, P, F> {
  /** True when the slice must be left unresolved (the consumer stops, the batch is stale). */
  readonly abandoned: () => boolean;
  readonly now: () => number;
  readonly decode: (message: M, headers: HeaderMap) => Promise<Decoded<P, F>>;
}

/**
 * Reads a slice's messages in order, up to the first one not due yet, decoding each; undefined
 * when the slice is abandoned midway (nothing of it is resolved: it is fetched again).
 */
export async function readSlice<M extends Pick<KafkaMessage, 'headers'>, P, F>(
  messages: readonly M[],
  reader: SliceReader<M, P, F>,
): Promise<SliceRead<M, P, F> | undefined> {
  const pending: P[] = [];
  const failures: F[] = [];
  let skipped = 0;
  let last: M | undefined;
  for (const message of messages) {
    if (reader.abandoned()) return undefined;
    const headers = readHeaders(message.headers);
    const dueAt = notDueUntil(headers, reader.now());
    if (dueAt !== undefined) return { pending, failures, skipped, last, dueAt };
    const decoded = await reader.decode(message, headers);
    if (decoded.pending) pending.push(decoded.pending);
    if (decoded.failure) failures.push(decoded.failure);
    if (decoded.skipped) skipped += 1;
    last = message;
  }
  return { pending, failures, skipped, last, dueAt: undefined };
}

/** How a slice's handling is run and watched (its record spans, in the runtime). */
export interface HandlingHooks<O> {
  /** Runs the handler on the whole slice (default: as it is). */
  readonly all?: (work: () => Promise<readonly O[]>) => Promise<readonly O[]>;
  /** Runs the handler on the record at `index` alone (default: as it is). */
  readonly one?: (index: number, work: () => Promise<readonly O[]>) => Promise<readonly O[]>;
  /** The record at `index` failed. */
  readonly failed?: (index: number, error: unknown) => void;
  /** The slice failed as a whole and is handled record by record. */
  readonly fallingBack?: (error: unknown, records: number) => void;
}

export interface Handled<O> {
  readonly outputs: O[];
  /** The records that failed, by their index in the slice, in order. */
  readonly failed: { readonly index: number; readonly error: unknown }[];
}

/**
 * Runs the handler on the slice; when that fails, on each record alone, collecting the outputs
 * of those that succeed and the failures of the others. A slice of one record that fails is
 * that record's failure (it is not run again alone).
 */
export async function handleSlice<R, O>(
  records: readonly R[],
  handler: (records: readonly R[]) => Promise<readonly O[]>,
  hooks: HandlingHooks<O> = {},
): Promise<Handled<O>> {
  if (records.length === 0) return { outputs: [], failed: [] };
  const { all = (work) => work(), one = (_index, work) => work() } = hooks;
  try {
    return { outputs: [...(await all(() => handler(records)))], failed: [] };
  } catch (batchError) {
    if (records.length === 1) {
      hooks.failed?.(0, batchError);
      return { outputs: [], failed: [{ index: 0, error: batchError }] };
    }
    hooks.fallingBack?.(batchError, records.length);
    const outputs: O[] = [];
    const failed: { index: number; error: unknown }[] = [];
    for (const [index, record] of records.entries()) {
      try {
        outputs.push(...(await one(index, () => handler([record]))));
      } catch (error) {
        hooks.failed?.(index, error);
        failed.push({ index, error });
      }
    }
    return { outputs, failed };
  }
}

/** A failed record where it goes: a topic with the record's bytes, or held on its partition. */
export interface RoutedFailure {
  readonly offset: string;
  readonly route: FailureRoute;
}

export type Held<R extends RoutedFailure> = R & {
  readonly route: Extract<FailureRoute, { kind: 'hold' }>;
};

export type Sent<R extends RoutedFailure> = R & {
  readonly route: Exclude<FailureRoute, { kind: 'hold' }>;
};

/**
 * The first record of a slice to hold, if any: a transient failure past the retry tiers. The
 * slice is then not committed, so the records before it are handled again with it (the stages
 * are idempotent), and its partition waits the route's `retryInMs`.
 */
export function firstHold<R extends RoutedFailure>(routed: readonly R[]): Held<R> | undefined {
  return routed.find((r): r is Held<R> => r.route.kind === 'hold');
}

/** A failed record as it is sent on: its bytes, to its route's topic, with its route's headers. */
export const failureRecord = (
  raw: Pick<KafkaMessage, 'key' | 'value'>,
  route: Exclude<FailureRoute, { kind: 'hold' }>,
): TransactionalRecord => ({
  topic: route.topic,
  key: raw.key?.toString('utf8') ?? null,
  value: raw.value,
  headers: route.headers,
});

export type SliceDecision<R extends RoutedFailure> =
  | { readonly kind: 'hold'; readonly hold: Held<R> }
  | {
      readonly kind: 'commit';
      /** The handler's outputs, then each sent failure's record, in order. */
      readonly records: readonly TransactionalRecord[];
      /** The failures sent to a retry tier or the dead-letter topic, in order. */
      readonly sent: readonly Sent<R>[];
    };

/**
 * What becomes of a handled slice: held (nothing committed) when a failure must wait on its
 * partition; otherwise committed with the handler's outputs and the failures' records.
 */
export function decideSlice<
  R extends RoutedFailure & { readonly raw: Pick<KafkaMessage, 'key' | 'value'> },
>(outputs: readonly TransactionalRecord[], routed: readonly R[]): SliceDecision<R> {
  const hold = firstHold(routed);
  if (hold) return { kind: 'hold', hold };
  const sent = routed.filter((r): r is Sent<R> => r.route.kind !== 'hold');
  return {
    kind: 'commit',
    records: [...outputs, ...sent.map(({ raw, route }) => failureRecord(raw, route))],
    sent,
  };
}

export type AfterSlice =
  /** Go on with the batch's next slice. */
  | { readonly kind: 'next' }
  /** Leave the rest of the batch: the partition is held (and paused already). */
  | { readonly kind: 'stop' }
  /** Leave the rest of the batch and pause the partition until `until` (a record is due). */
  | { readonly kind: 'pause'; readonly until: number };

/**
 * What the batch does after a slice: `outcome` is undefined when the slice had nothing to
 * handle or commit (it stopped at its first message).
 */
export function afterSlice(slice: {
  readonly outcome: 'committed' | 'held' | undefined;
  readonly dueAt: number | undefined;
}): AfterSlice {
  // Held: nothing resolved; the slice is fetched again when the partition resumes.
  if (slice.outcome === 'held') return { kind: 'stop' };
  // Not due yet: the unresolved messages are fetched again on resume.
  if (slice.dueAt !== undefined) return { kind: 'pause', until: slice.dueAt };
  return { kind: 'next' };
}
