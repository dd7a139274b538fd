/**
 * Consume, process, produce: the loop every stage runs.
 *
 * - Each partition batch is handled as one unit and its outputs, its failures' retry or
 *   dead-letter records and its offsets are committed in one Kafka transaction, so a crash
 *   anywhere replays the batch and nothing is lost or published twice. The batches of one
 *   transaction slot's partitions that are ready at once share that transaction (`slots.ts`).
 * - A handler that fails on a batch is re-run message by message, so one bad message cannot
 *   take its neighbours down; the bad one goes to the next retry tier (or the dead-letter
 *   topic) and the partition keeps flowing.
 * - A second consumer group reads the stage's retry tiers; a message there (or on any input
 *   carrying `bgs-not-before`) waits with its partition paused until it is due.
 * - Partitions are processed concurrently; within a partition, strictly in order.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from 'winston';
import { createConsumer } from '../kafka/client';
import { retryTopicsOf, type Stage } from '../kafka/topics';
import { describeError } from '../logger';
import type { ServiceResource } from '../resource';
import { routeFailure, type FailureRoute } from './failure';
import { PoisonMessageError, classifyFailure, type FailureClassifier } from './failure-class';
import { Headers, integerHeader, readHeaders, type HeaderMap } from './headers';
import { stageLag } from './lag-gauges';
import { startRecordSpans, type RecordSpans } from './record-spans';
import { stageMetrics } from './stage-metrics';
import { DEFAULT_PARTITIONS_PER_SLOT, slotAssigner } from './slots';
import {
  createSlotTransactions,
  type SlotTransactions,
  type TransactionalRecord,
} from './transactional-producers';

export interface RawMessage {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: HeaderMap;
}

/** Turns a raw message into the handler's input; `undefined` means nothing to do (a tombstone). */
export type Decoder<T> = (message: RawMessage) => Promise<T | undefined> | T | undefined;

export interface StageRecord<T> {
  /** The topic it was first consumed from, also when it comes back from a retry tier. */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: T;
  readonly headers: HeaderMap;
  readonly timestamp: number;
  /** Failed deliveries before this one. */
  readonly attempt: number;
}

export type OutputRecord = TransactionalRecord;

export type StageHandler<T> = (
  records: readonly StageRecord<T>[],
) => Promise<readonly OutputRecord[]>;

export interface StageConsumerOptions<T> {
  readonly stage: Stage;
  /** The consumer group; the retry tiers are read by `<groupId>.retry`. */
  readonly groupId: string;
  readonly kafka: Kafka;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Input topic → decoder. */
  readonly inputs: Readonly<Record<string, Decoder<T>>>;
  readonly handle: StageHandler<T>;
  /** Partitions processed at once, per consumer. */
  readonly concurrency: number;
  readonly now?: () => number;
  /**
   * Records handled and committed in one transaction at most (default
   * DEFAULT_MAX_BATCH_RECORDS): a backlog is worked through in bounded slices, so a slice's
   * time and memory stay small and the consumer keeps its group membership.
   */
  readonly maxBatchRecords?: number;
  /** Partitions per transaction slot (default DEFAULT_PARTITIONS_PER_SLOT; `slots.ts`). */
  readonly partitionsPerSlot?: number;
  /** The service's own failure classes (its provider's errors, say); `failure-class.ts`. */
  readonly classify?: FailureClassifier;
}

export const DEFAULT_MAX_BATCH_RECORDS = 200;

/** A consumer group a stage runs and the topics it reads; each service declares its own. */
export interface StageConsumerGroup {
  readonly groupId: string;
  readonly topics: readonly string[];
}

/** The consumer group that reads a stage's retry tiers for the records of group `groupId`. */
export const retryGroupId = (groupId: string): string => `${groupId}.retry`;

/** How often a consumer busy with a slice tells the group it is alive. */
const HEARTBEAT_EVERY_MS = 1_000;

/** Runs work while sending the group heartbeats (kafkajs sends one only when it is due). */
export async function withHeartbeats<R>(
  heartbeat: () => Promise<void>,
  work: () => Promise<R>,
  everyMs = HEARTBEAT_EVERY_MS,
): Promise<R> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), everyMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** The batch in slices of at most `size` messages, in order. */
export function slicesOf<M>(messages: readonly M[], size: number): M[][] {
  const slices: M[][] = [];
  for (let start = 0; start < messages.length; start += size) {
    slices.push(messages.slice(start, start + size));
  }
  return slices;
}

interface Pending<T> {
  readonly record: StageRecord<T>;
  readonly raw: KafkaMessage;
}

interface Failure {
  readonly record: Omit<StageRecord<unknown>, 'value'>;
  readonly raw: KafkaMessage;
  readonly error: unknown;
}

const secondsSince = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

/** How long a record waited between its write to the topic and its handling. */
export const queuedSeconds = (message: Pick<KafkaMessage, 'timestamp'>, nowMs: number): number =>
  Math.max(0, nowMs - Number(message.timestamp)) / 1000;

/**
 * The offset to commit with a batch: past the whole fetched batch when every message in it was
 * handled (so the transaction markers and aborted records after the last message are skipped
 * too), otherwise just past the last message handled (a record not due yet is read again).
 */
export function nextOffsetToCommit(batch: {
  readonly lastHandled: string;
  readonly lastFetched: string | undefined;
  readonly batchLastOffset: string;
  readonly stoppedAtNotDue: boolean;
}): string {
  const handledAll = !batch.stoppedAtNotDue && batch.lastHandled === batch.lastFetched;
  return ((handledAll ? BigInt(batch.batchLastOffset) : BigInt(batch.lastHandled)) + 1n).toString();
}

/**
 * A decoder's failure as it is routed: a dependency that did not answer (the registry) stays a
 * transient failure, retried until it answers; anything else about the bytes is poison.
 */
export function decodeFailure(error: unknown, classify?: FailureClassifier): unknown {
  if (error instanceof PoisonMessageError) return error;
  if (classifyFailure(error, classify) === 'transient') return error;
  return new PoisonMessageError(error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** A failed record where it goes: a topic with the record's bytes, or held on its partition. */
export interface RoutedFailure {
  readonly offset: string;
  readonly route: FailureRoute;
}

type Held<R extends RoutedFailure> = R & {
  readonly route: Extract<FailureRoute, { kind: 'hold' }>;
};

/**
 * The first record of a slice to hold, if any: a transient failure past the retry tiers. The
 * slice is then not committed, so the records before it are handled again with it (the stages
 * are idempotent), and its partition waits the route's `retryInMs`.
 */
export function firstHold<R extends RoutedFailure>(routed: readonly R[]): Held<R> | undefined {
  return routed.find((r): r is Held<R> => r.route.kind === 'hold');
}

/** How long a consumer that gave up waits before it is replaced. */
const RESTART_DELAY_MS = 1_000;

export function startStageConsumer<T>(options: StageConsumerOptions<T>): ServiceResource & {
  start(): Promise<void>;
} {
  const now = options.now ?? Date.now;
  const maxBatchRecords = options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS;
  const logger = options.logger.child({ component: 'stage', stage: options.stage });
  const partitionsPerSlot = options.partitionsPerSlot ?? DEFAULT_PARTITIONS_PER_SLOT;
  const assigner = slotAssigner(partitionsPerSlot);
  /** The slot transactions of each consumer group (the stage's and its retry tiers'). */
  const transactions = new Map<string, SlotTransactions>();
  const transactionsOf = (groupId: string): SlotTransactions => {
    let found = transactions.get(groupId);
    if (!found) {
      found = createSlotTransactions(options.kafka, { groupId, partitionsPerSlot });
      transactions.set(groupId, found);
    }
    return found;
  };
  const metrics = stageMetrics(options.registry);
  const lag = stageLag({ ...options, logger, now });
  const timers = new Set<NodeJS.Timeout>();
  const consumers = new Set<Consumer>();
  /** Groups whose consumer gave up and is being started again. */
  const restarting = new Set<string>();
  let stopping = false;

  const retryTopics = retryTopicsOf(options.stage);

  const decode = async (
    message: KafkaMessage,
    headers: HeaderMap,
    topic: string,
    partition: number,
    fromRetryTier: boolean,
  ): Promise<{ pending?: Pending<T>; failure?: Failure; skipped?: true }> => {
    const original = fromRetryTier
      ? {
          topic: headers[Headers.originalTopic] ?? '',
          partition: integerHeader(headers, Headers.originalPartition, partition),
          offset: headers[Headers.originalOffset] ?? message.offset,
          timestamp: integerHeader(headers, Headers.originalTimestamp, Number(message.timestamp)),
        }
      : { topic, partition, offset: message.offset, timestamp: Number(message.timestamp) };
    const base = {
      ...original,
      key: message.key?.toString('utf8') ?? null,
      headers,
      attempt: integerHeader(headers, Headers.attempt, 0),
    };
    const decoder = options.inputs[original.topic];
    // Every consumer group of a stage reads the stage's retry tiers; each takes its own.
    if (fromRetryTier && !decoder) return { skipped: true };
    try {
      if (!decoder) throw new PoisonMessageError(`no input of this stage is ${original.topic}`);
      const value = await decoder({ key: message.key, value: message.value, headers });
      if (value === undefined) return { skipped: true };
      return { pending: { record: { ...base, value }, raw: message } };
    } catch (error) {
      return {
        failure: { record: base, raw: message, error: decodeFailure(error, options.classify) },
      };
    }
  };

  /**
   * Runs the handler on the batch; on failure, once per record, collecting the failures. The
   * handler sees the records as `spans` hands them over (each with its span's traceparent); a
   * failure keeps the record as delivered, so a retry or a dead letter carries the headers it
   * came with.
   */
  const handle = async (
    pending: readonly Pending<T>[],
    spans: RecordSpans<T>,
  ): Promise<{ outputs: OutputRecord[]; failures: Failure[] }> => {
    if (pending.length === 0) return { outputs: [], failures: [] };
    try {
      return { outputs: [...(await spans.all(() => options.handle(spans.records)))], failures: [] };
    } catch (batchError) {
      if (pending.length === 1) {
        const [only] = pending as [Pending<T>];
        spans.failed(0, batchError);
        return {
          outputs: [],
          failures: [{ record: only.record, raw: only.raw, error: batchError }],
        };
      }
      logger.warn('batch failed; handling its records one by one', {
        error: describeError(batchError),
        records: pending.length,
      });
      const outputs: OutputRecord[] = [];
      const failures: Failure[] = [];
      for (const [index, p] of pending.entries()) {
        const record = spans.records[index] as StageRecord<T>;
        try {
          outputs.push(...(await spans.one(index, () => options.handle([record]))));
        } catch (error) {
          spans.failed(index, error);
          failures.push({ record: p.record, raw: p.raw, error });
        }
      }
      return { outputs, failures };
    }
  };

  /** Stops fetching a partition for `ms`; its unresolved messages are fetched again after. */
  const pauseFor = (pause: () => () => void, ms: number): void => {
    const resume = pause();
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        resume();
      },
      Math.max(0, ms),
    );
    timers.add(timer);
  };

  /** Per partition of a group: the record held there and how many times it was held. */
  const holds = new Map<string, { readonly offset: string; readonly count: number }>();
  const holdsOf = (key: string, offset: string): number => {
    const held = holds.get(key);
    return held?.offset === offset ? held.count : 0;
  };

  const routeOf = (failure: Failure, heldBefore: number): FailureRoute =>
    routeFailure({
      stage: options.stage,
      topic: failure.record.topic,
      partition: failure.record.partition,
      offset: failure.record.offset,
      timestamp: failure.record.timestamp,
      attempt: failure.record.attempt,
      headers: failure.record.headers,
      error: failure.error,
      failureClass: classifyFailure(failure.error, options.classify),
      holds: heldBefore,
      now: now(),
    });

  const reportRouted = (failure: Failure, route: FailureRoute & { topic: string }): void => {
    const retry = route.kind === 'retry';
    logger.log(
      retry ? 'warn' : 'error',
      retry ? 'record failed; retrying later' : 'record dead-lettered',
      {
        topic: failure.record.topic,
        partition: failure.record.partition,
        offset: failure.record.offset,
        attempt: failure.record.attempt + 1,
        to: route.topic,
        error: describeError(failure.error),
      },
    );
    metrics.records.inc({ stage: options.stage, outcome: retry ? 'retried' : 'dead_lettered' }, 1);
  };

  /**
   * A dependency still fails a record past its retry tiers: nothing of the slice is committed,
   * and the partition waits, then tries again, for as long as the dependency is down. Other
   * partitions keep flowing.
   */
  const holdPartition = (
    key: string,
    { failure, offset, route }: Held<RoutedFailure & { readonly failure: Failure }>,
    pause: () => () => void,
  ): void => {
    const count = holdsOf(key, offset) + 1;
    holds.set(key, { offset, count });
    metrics.records.inc({ stage: options.stage, outcome: 'held' }, 1);
    logger.warn('a dependency is unavailable; holding the partition and trying again', {
      topic: failure.record.topic,
      partition: failure.record.partition,
      offset: failure.record.offset,
      holds: count,
      retryInMs: route.retryInMs,
      error: describeError(failure.error),
    });
    pauseFor(pause, route.retryInMs);
  };

  const processBatch = async (
    groupId: string,
    fromRetryTier: boolean,
    payload: EachBatchPayload,
  ): Promise<void> => {
    lag.fetched(groupId, payload.batch);
    for (const slice of slicesOf(payload.batch.messages, maxBatchRecords)) {
      const more = await withHeartbeats(payload.heartbeat, () =>
        processSlice(groupId, fromRetryTier, payload, slice),
      );
      if (!more) return;
    }
  };

  /** One slice of a partition batch, in one transaction; false when the batch must stop here. */
  const processSlice = async (
    groupId: string,
    fromRetryTier: boolean,
    payload: EachBatchPayload,
    messages: readonly KafkaMessage[],
  ): Promise<boolean> => {
    const { batch, pause, isRunning, isStale } = payload;
    const started = process.hrtime.bigint();
    const labels = { stage: options.stage, group: groupId };
    const pending: Pending<T>[] = [];
    const failures: Failure[] = [];
    let skipped = 0;
    let last: KafkaMessage | undefined;
    let dueAt: number | undefined;

    for (const message of messages) {
      if (!isRunning() || isStale() || stopping) return false; // not resolved: fetched again
      const headers = readHeaders(message.headers);
      const notBefore = integerHeader(headers, Headers.notBefore, 0);
      if (notBefore > now()) {
        dueAt = notBefore;
        break;
      }
      const decoded = await decode(message, headers, batch.topic, batch.partition, fromRetryTier);
      if (!fromRetryTier) metrics.queueSeconds.observe(labels, queuedSeconds(message, now()));
      if (decoded.pending) pending.push(decoded.pending);
      if (decoded.failure) failures.push(decoded.failure);
      if (decoded.skipped) skipped += 1;
      last = message;
    }

    if (last) {
      const spans = startRecordSpans(
        pending.map((p) => p.record),
        { stage: options.stage, groupId, topic: batch.topic, partition: batch.partition },
      );
      let outcome: 'committed' | 'held' | 'abandoned' = 'abandoned';
      try {
        outcome = await commitSlice({
          groupId,
          payload,
          labels,
          started,
          spans,
          pending,
          failures,
          skipped,
          last,
          stoppedAtNotDue: dueAt !== undefined,
        });
      } finally {
        spans.end(outcome === 'committed' ? undefined : outcome);
      }
      // Nothing resolved: the slice is fetched again when the partition resumes.
      if (outcome === 'held') return false;
    }

    if (dueAt !== undefined) {
      // Not due yet: stop fetching this partition and come back when it is. The unresolved
      // messages are fetched again on resume.
      pauseFor(pause, dueAt - now());
      return false;
    }
    return true;
  };

  /**
   * Handles a read slice and commits its outputs, failures and offsets in one transaction; or,
   * when a record must be held, commits nothing and pauses the partition.
   */
  const commitSlice = async (slice: {
    readonly groupId: string;
    readonly payload: EachBatchPayload;
    readonly labels: { readonly stage: string; readonly group: string };
    readonly started: bigint;
    readonly spans: RecordSpans<T>;
    readonly pending: readonly Pending<T>[];
    readonly failures: readonly Failure[];
    readonly skipped: number;
    readonly last: KafkaMessage;
    readonly stoppedAtNotDue: boolean;
  }): Promise<'committed' | 'held'> => {
    const { groupId, labels, pending, last } = slice;
    const { batch, resolveOffset, heartbeat, pause } = slice.payload;
    const handleStarted = process.hrtime.bigint();
    const handled = await handle(pending, slice.spans);
    metrics.handleSeconds.observe(labels, secondsSince(handleStarted));
    metrics.batchRecords.observe(labels, pending.length);
    const failures = [...slice.failures, ...handled.failures];
    const holdKey = `${groupId}|${batch.topic}|${batch.partition}`;
    const routed = failures.map((failure) => ({
      failure,
      offset: failure.raw.offset,
      route: routeOf(failure, holdsOf(holdKey, failure.raw.offset)),
    }));
    const hold = firstHold(routed);
    if (hold) {
      holdPartition(holdKey, hold, pause);
      return 'held';
    }
    holds.delete(holdKey);
    const outputs = [...handled.outputs];
    for (const { failure, route } of routed) {
      if (route.kind === 'hold') continue;
      reportRouted(failure, route);
      outputs.push({
        topic: route.topic,
        key: failure.raw.key?.toString('utf8') ?? null,
        value: failure.raw.value,
        headers: route.headers,
      });
    }
    await heartbeat();
    const next = nextOffsetToCommit({
      lastHandled: last.offset,
      lastFetched: batch.messages.at(-1)?.offset,
      batchLastOffset: batch.lastOffset(),
      stoppedAtNotDue: slice.stoppedAtNotDue,
    });
    const commitStarted = process.hrtime.bigint();
    await transactionsOf(groupId).commit({
      records: outputs,
      offset: { topic: batch.topic, partition: batch.partition, offset: next },
    });
    metrics.commitSeconds.observe(labels, secondsSince(commitStarted));
    lag.processed(groupId, batch, next);
    resolveOffset(last.offset);
    const processed = pending.length - handled.failures.length;
    if (processed > 0)
      metrics.records.inc({ stage: options.stage, outcome: 'processed' }, processed);
    if (slice.skipped > 0) {
      metrics.records.inc({ stage: options.stage, outcome: 'skipped' }, slice.skipped);
    }
    metrics.batchSeconds.observe(labels, secondsSince(slice.started));
    return 'committed';
  };

  /**
   * kafkajs restarts a consumer after a retriable error, but stops it for good after a
   * non-retriable one (say, no group coordinator while the broker restarts), leaving the
   * process up with nothing consuming. Such a consumer is replaced by a new one, until it runs.
   */
  const restartLater = (groupId: string, topics: readonly string[], fromRetryTier: boolean) => {
    if (stopping) return;
    restarting.add(groupId);
    const timer = setTimeout(() => {
      timers.delete(timer);
      run(groupId, topics, fromRetryTier).then(
        () => {
          restarting.delete(groupId);
          logger.info('consumer started again', { groupId });
        },
        (error: unknown) => {
          logger.warn('consumer could not start again; retrying', {
            groupId,
            error: describeError(error),
          });
          restartLater(groupId, topics, fromRetryTier);
        },
      );
    }, RESTART_DELAY_MS);
    timers.add(timer);
  };

  const run = async (groupId: string, topics: readonly string[], fromRetryTier: boolean) => {
    const consumer = createConsumer(options.kafka, {
      groupId,
      readUncommitted: false,
      partitionAssigners: [assigner],
    });
    consumers.add(consumer);
    lag.watch(consumer, groupId);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || stopping) return;
      logger.error('consumer stopped after a non-retriable error; replacing it', {
        groupId,
        error: describeError(payload.error),
      });
      consumers.delete(consumer);
      lag.forget(groupId);
      restartLater(groupId, topics, fromRetryTier);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: options.concurrency,
        eachBatch: (payload) => processBatch(groupId, fromRetryTier, payload),
      });
    } catch (error) {
      consumers.delete(consumer);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  };

  return {
    name: `${options.stage}-consumer:${options.groupId}`,
    async start() {
      await run(options.groupId, Object.keys(options.inputs), false);
      await run(retryGroupId(options.groupId), retryTopics, true);
      logger.info('consuming', { groupId: options.groupId, topics: Object.keys(options.inputs) });
    },
    /** Not ready while a consumer is being replaced: nothing is consuming its group. */
    async check() {
      if (restarting.size > 0) {
        throw new Error(`consumer restarting: ${[...restarting].join(', ')}`);
      }
    },
    async stop() {
      stopping = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      // disconnect() waits for the batch in flight to finish and commit.
      await Promise.all([...consumers].map((c) => c.disconnect()));
      await Promise.all([...transactions.values()].map((t) => t.disconnectAll()));
      await lag.stop();
    },
  };
}
