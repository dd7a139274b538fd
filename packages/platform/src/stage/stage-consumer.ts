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
 *
 * The rules of a slice (what is read and handled, the one-by-one fallback, commit or hold, and
 * what the batch does next) are pure and live in `slice.ts`; this file is their I/O shell.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from 'winston';
import { createConsumer } from '../kafka/client';
import { retryTopicsOf, type Stage } from '../kafka/topics';
import { describeError } from '../logger';
import type { ServiceResource } from '../resource';
import { routeFailure, type FailureRoute } from './failure';
import { PoisonMessageError, classifyFailure, type FailureClassifier } from './failure-class';
import { Headers, integerHeader, type HeaderMap } from './headers';
import { stageLag, type StageLag } from './lag-gauges';
import { startRecordSpans, type RecordSpans } from './record-spans';
import {
  afterSlice,
  decideSlice,
  handleSlice,
  readSlice,
  type Decoded,
  type Held,
  type RoutedFailure,
  type SliceRead,
} from './slice';
import type { Decoder, OutputRecord, StageHandler, StageRecord } from './stage-record';
import { stageMetrics, type StageMetrics } from './stage-metrics';
import { DEFAULT_PARTITIONS_PER_SLOT, slotAssigner } from './slots';
import { createSlotTransactions, type SlotTransactions } from './transactional-producers';

export type { Decoder, OutputRecord, RawMessage, StageHandler, StageRecord } from './stage-record';

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

export { firstHold, type RoutedFailure } from './slice';

/** How long a consumer that gave up waits before it is replaced. */
const RESTART_DELAY_MS = 1_000;

/** What the units of one running stage consumer share. */
interface Runtime<T> {
  readonly options: StageConsumerOptions<T>;
  readonly now: () => number;
  readonly maxBatchRecords: number;
  readonly logger: Logger;
  readonly partitionsPerSlot: number;
  readonly assigner: PartitionAssigner;
  /** The slot transactions of each consumer group (the stage's and its retry tiers'). */
  readonly transactions: Map<string, SlotTransactions>;
  readonly metrics: StageMetrics;
  readonly lag: StageLag;
  readonly timers: Set<NodeJS.Timeout>;
  readonly consumers: Set<Consumer>;
  /** Groups whose consumer gave up and is being started again. */
  readonly restarting: Set<string>;
  /** Per partition of a group: the record held there and how many times it was held. */
  readonly holds: Map<string, { readonly offset: string; readonly count: number }>;
  stopping: boolean;
}

function createRuntime<T>(options: StageConsumerOptions<T>): Runtime<T> {
  const now = options.now ?? Date.now;
  const logger = options.logger.child({ component: 'stage', stage: options.stage });
  const partitionsPerSlot = options.partitionsPerSlot ?? DEFAULT_PARTITIONS_PER_SLOT;
  return {
    options,
    now,
    maxBatchRecords: options.maxBatchRecords ?? DEFAULT_MAX_BATCH_RECORDS,
    logger,
    partitionsPerSlot,
    assigner: slotAssigner(partitionsPerSlot),
    transactions: new Map(),
    metrics: stageMetrics(options.registry),
    lag: stageLag({ ...options, logger, now }),
    timers: new Set(),
    consumers: new Set(),
    restarting: new Set(),
    holds: new Map(),
    stopping: false,
  };
}

function transactionsOf<T>(rt: Runtime<T>, groupId: string): SlotTransactions {
  let found = rt.transactions.get(groupId);
  if (!found) {
    found = createSlotTransactions(rt.options.kafka, {
      groupId,
      partitionsPerSlot: rt.partitionsPerSlot,
    });
    rt.transactions.set(groupId, found);
  }
  return found;
}

/** A partition batch being processed, by one consumer group. */
interface BatchAt {
  readonly groupId: string;
  /** Read by the group of the stage's retry tiers. */
  readonly fromRetryTier: boolean;
  readonly payload: EachBatchPayload;
}

async function decodeMessage<T>(
  rt: Runtime<T>,
  message: KafkaMessage,
  headers: HeaderMap,
  { topic, partition }: Pick<EachBatchPayload['batch'], 'topic' | 'partition'>,
  fromRetryTier: boolean,
): Promise<Decoded<Pending<T>, Failure>> {
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
  const decoder = rt.options.inputs[original.topic];
  // Every consumer group of a stage reads the stage's retry tiers; each takes its own.
  if (fromRetryTier && !decoder) return { skipped: true };
  try {
    if (!decoder) throw new PoisonMessageError(`no input of this stage is ${original.topic}`);
    const value = await decoder({ key: message.key, value: message.value, headers });
    if (value === undefined) return { skipped: true };
    return { pending: { record: { ...base, value }, raw: message } };
  } catch (error) {
    return {
      failure: { record: base, raw: message, error: decodeFailure(error, rt.options.classify) },
    };
  }
}

/** Stops fetching a partition for `ms`; its unresolved messages are fetched again after. */
function pauseFor<T>(rt: Runtime<T>, pause: () => () => void, ms: number): void {
  const resume = pause();
  const timer = setTimeout(
    () => {
      rt.timers.delete(timer);
      resume();
    },
    Math.max(0, ms),
  );
  rt.timers.add(timer);
}

function holdsOf<T>(rt: Runtime<T>, key: string, offset: string): number {
  const held = rt.holds.get(key);
  return held?.offset === offset ? held.count : 0;
}

const routeOf = <T>(rt: Runtime<T>, failure: Failure, heldBefore: number): FailureRoute =>
  routeFailure({
    stage: rt.options.stage,
    topic: failure.record.topic,
    partition: failure.record.partition,
    offset: failure.record.offset,
    timestamp: failure.record.timestamp,
    attempt: failure.record.attempt,
    headers: failure.record.headers,
    error: failure.error,
    failureClass: classifyFailure(failure.error, rt.options.classify),
    holds: heldBefore,
    now: rt.now(),
  });

function reportRouted<T>(
  rt: Runtime<T>,
  failure: Failure,
  route: FailureRoute & { topic: string },
): void {
  const retry = route.kind === 'retry';
  rt.logger.log(
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
  rt.metrics.records.inc(
    { stage: rt.options.stage, outcome: retry ? 'retried' : 'dead_lettered' },
    1,
  );
}

/** A failure of a slice with its route. */
interface Routed extends RoutedFailure {
  readonly failure: Failure;
  readonly raw: KafkaMessage;
}

/**
 * A dependency still fails a record past its retry tiers: nothing of the slice is committed,
 * and the partition waits, then tries again, for as long as the dependency is down. Other
 * partitions keep flowing.
 */
function holdPartition<T>(
  rt: Runtime<T>,
  key: string,
  { failure, offset, route }: Held<Routed>,
  pause: () => () => void,
): void {
  const count = holdsOf(rt, key, offset) + 1;
  rt.holds.set(key, { offset, count });
  rt.metrics.records.inc({ stage: rt.options.stage, outcome: 'held' }, 1);
  rt.logger.warn('a dependency is unavailable; holding the partition and trying again', {
    topic: failure.record.topic,
    partition: failure.record.partition,
    offset: failure.record.offset,
    holds: count,
    retryInMs: route.retryInMs,
    error: describeError(failure.error),
  });
  pauseFor(rt, pause, route.retryInMs);
}

async function processBatch<T>(rt: Runtime<T>, at: BatchAt): Promise<void> {
  rt.lag.fetched(at.groupId, at.payload.batch);
  for (const slice of slicesOf(at.payload.batch.messages, rt.maxBatchRecords)) {
    const more = await withHeartbeats(at.payload.heartbeat, () => processSlice(rt, at, slice));
    if (!more) return;
  }
}

/** A slice read, with what its metrics need. */
interface ReadSlice<T> extends SliceRead<KafkaMessage, Pending<T>, Failure> {
  readonly last: KafkaMessage;
  readonly labels: { readonly stage: string; readonly group: string };
  readonly started: bigint;
}

/** One slice of a partition batch, in one transaction; false when the batch must stop here. */
async function processSlice<T>(
  rt: Runtime<T>,
  at: BatchAt,
  messages: readonly KafkaMessage[],
): Promise<boolean> {
  const { batch, pause, isRunning, isStale } = at.payload;
  const started = process.hrtime.bigint();
  const labels = { stage: rt.options.stage, group: at.groupId };
  const read = await readSlice(messages, {
    abandoned: () => !isRunning() || isStale() || rt.stopping,
    now: rt.now,
    decode: async (message, headers) => {
      const decoded = await decodeMessage(rt, message, headers, batch, at.fromRetryTier);
      if (!at.fromRetryTier) {
        rt.metrics.queueSeconds.observe(labels, queuedSeconds(message, rt.now()));
      }
      return decoded;
    },
  });
  if (!read) return false; // not resolved: fetched again
  const outcome = read.last
    ? await handleAndCommit(rt, at, { ...read, last: read.last, labels, started })
    : undefined;
  const next = afterSlice({ outcome, dueAt: read.dueAt });
  if (next.kind === 'pause') pauseFor(rt, pause, next.until - rt.now());
  return next.kind === 'next';
}

/** Handles and commits a slice under its records' spans, which end with it. */
async function handleAndCommit<T>(
  rt: Runtime<T>,
  at: BatchAt,
  slice: ReadSlice<T>,
): Promise<'committed' | 'held'> {
  const { batch } = at.payload;
  const spans = startRecordSpans(
    slice.pending.map((p) => p.record),
    {
      stage: rt.options.stage,
      groupId: at.groupId,
      topic: batch.topic,
      partition: batch.partition,
    },
  );
  let outcome: 'committed' | 'held' | 'abandoned' = 'abandoned';
  try {
    outcome = await commitSlice(rt, at, slice, spans);
    return outcome;
  } finally {
    spans.end(outcome === 'committed' ? undefined : outcome);
  }
}

/**
 * Runs the handler on the slice (`handleSlice`): the handler sees the records as `spans` hands
 * them over (each with its span's traceparent); a failure keeps the record as delivered, so a
 * retry or a dead letter carries the headers it came with.
 */
async function handleTraced<T>(
  rt: Runtime<T>,
  pending: readonly Pending<T>[],
  spans: RecordSpans<T>,
): Promise<{ outputs: OutputRecord[]; failures: Failure[] }> {
  const handled = await handleSlice(spans.records, rt.options.handle, {
    all: (work) => spans.all(work),
    one: (index, work) => spans.one(index, work),
    failed: (index, error) => spans.failed(index, error),
    fallingBack: (error, records) =>
      rt.logger.warn('batch failed; handling its records one by one', {
        error: describeError(error),
        records,
      }),
  });
  const failures = handled.failed.map(({ index, error }) => {
    const { record, raw } = pending[index] as Pending<T>;
    return { record, raw, error };
  });
  return { outputs: handled.outputs, failures };
}

/**
 * Handles a read slice and commits its outputs, failures and offsets in one transaction; or,
 * when a record must be held, commits nothing and pauses the partition.
 */
async function commitSlice<T>(
  rt: Runtime<T>,
  at: BatchAt,
  slice: ReadSlice<T>,
  spans: RecordSpans<T>,
): Promise<'committed' | 'held'> {
  const { labels, pending } = slice;
  const { batch, pause } = at.payload;
  const handleStarted = process.hrtime.bigint();
  const handled = await handleTraced(rt, pending, spans);
  rt.metrics.handleSeconds.observe(labels, secondsSince(handleStarted));
  rt.metrics.batchRecords.observe(labels, pending.length);
  const holdKey = `${at.groupId}|${batch.topic}|${batch.partition}`;
  const routed = [...slice.failures, ...handled.failures].map((failure): Routed => ({
    failure,
    raw: failure.raw,
    offset: failure.raw.offset,
    route: routeOf(rt, failure, holdsOf(rt, holdKey, failure.raw.offset)),
  }));
  const decision = decideSlice(handled.outputs, routed);
  if (decision.kind === 'hold') {
    holdPartition(rt, holdKey, decision.hold, pause);
    return 'held';
  }
  rt.holds.delete(holdKey);
  for (const { failure, route } of decision.sent) reportRouted(rt, failure, route);
  await commitTransaction(rt, at, slice, decision.records);
  const processed = pending.length - handled.failures.length;
  if (processed > 0) {
    rt.metrics.records.inc({ stage: rt.options.stage, outcome: 'processed' }, processed);
  }
  if (slice.skipped > 0) {
    rt.metrics.records.inc({ stage: rt.options.stage, outcome: 'skipped' }, slice.skipped);
  }
  rt.metrics.batchSeconds.observe(labels, secondsSince(slice.started));
  return 'committed';
}

/** Commits a slice's records and its partition's next offset in one transaction. */
async function commitTransaction<T>(
  rt: Runtime<T>,
  at: BatchAt,
  slice: Pick<ReadSlice<T>, 'last' | 'dueAt' | 'labels'>,
  records: readonly OutputRecord[],
): Promise<void> {
  const { batch, resolveOffset, heartbeat } = at.payload;
  await heartbeat();
  const next = nextOffsetToCommit({
    lastHandled: slice.last.offset,
    lastFetched: batch.messages.at(-1)?.offset,
    batchLastOffset: batch.lastOffset(),
    stoppedAtNotDue: slice.dueAt !== undefined,
  });
  const commitStarted = process.hrtime.bigint();
  await transactionsOf(rt, at.groupId).commit({
    records,
    offset: { topic: batch.topic, partition: batch.partition, offset: next },
  });
  rt.metrics.commitSeconds.observe(slice.labels, secondsSince(commitStarted));
  rt.lag.processed(at.groupId, batch, next);
  resolveOffset(slice.last.offset);
}

/** A consumer group the stage runs, and where it reads. */
interface GroupRun {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromRetryTier: boolean;
}

/**
 * kafkajs restarts a consumer after a retriable error, but stops it for good after a
 * non-retriable one (say, no group coordinator while the broker restarts), leaving the
 * process up with nothing consuming. Such a consumer is replaced by a new one, until it runs.
 */
function restartLater<T>(rt: Runtime<T>, group: GroupRun): void {
  if (rt.stopping) return;
  rt.restarting.add(group.groupId);
  const timer = setTimeout(() => {
    rt.timers.delete(timer);
    run(rt, group).then(
      () => {
        rt.restarting.delete(group.groupId);
        rt.logger.info('consumer started again', { groupId: group.groupId });
      },
      (error: unknown) => {
        rt.logger.warn('consumer could not start again; retrying', {
          groupId: group.groupId,
          error: describeError(error),
        });
        restartLater(rt, group);
      },
    );
  }, RESTART_DELAY_MS);
  rt.timers.add(timer);
}

async function run<T>(rt: Runtime<T>, group: GroupRun): Promise<void> {
  const { groupId, topics, fromRetryTier } = group;
  const consumer = createConsumer(rt.options.kafka, {
    groupId,
    readUncommitted: false,
    partitionAssigners: [rt.assigner],
  });
  rt.consumers.add(consumer);
  rt.lag.watch(consumer, groupId);
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart || rt.stopping) return;
    rt.logger.error('consumer stopped after a non-retriable error; replacing it', {
      groupId,
      error: describeError(payload.error),
    });
    rt.consumers.delete(consumer);
    rt.lag.forget(groupId);
    restartLater(rt, group);
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: rt.options.concurrency,
      eachBatch: (payload) => processBatch(rt, { groupId, fromRetryTier, payload }),
    });
  } catch (error) {
    rt.consumers.delete(consumer);
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
}

export function startStageConsumer<T>(options: StageConsumerOptions<T>): ServiceResource & {
  start(): Promise<void>;
} {
  const rt = createRuntime(options);
  const retryTopics = retryTopicsOf(options.stage);
  return {
    name: `${options.stage}-consumer:${options.groupId}`,
    async start() {
      const topics = Object.keys(options.inputs);
      await run(rt, { groupId: options.groupId, topics, fromRetryTier: false });
      await run(rt, {
        groupId: retryGroupId(options.groupId),
        topics: retryTopics,
        fromRetryTier: true,
      });
      rt.logger.info('consuming', {
        groupId: options.groupId,
        topics: Object.keys(options.inputs),
      });
    },
    /** Not ready while a consumer is being replaced: nothing is consuming its group. */
    async check() {
      if (rt.restarting.size > 0) {
        throw new Error(`consumer restarting: ${[...rt.restarting].join(', ')}`);
      }
    },
    async stop() {
      rt.stopping = true;
      for (const timer of rt.timers) clearTimeout(timer);
      rt.timers.clear();
      // disconnect() waits for the batch in flight to finish and commit.
      await Promise.all([...rt.consumers].map((c) => c.disconnect()));
      await Promise.all([...rt.transactions.values()].map((t) => t.disconnectAll()));
      await rt.lag.stop();
    },
  };
}
