/**
 * A thin layer over kafkajs: one client per service with its logs in winston, producers that
 * are idempotent by default, and consumers that never create topics (provisioning does).
 */
import {
  Kafka,
  Partitioners,
  logLevel,
  type Admin,
  type Consumer,
  type ConsumerConfig,
  type LogEntry,
  type Producer,
  type ProducerConfig,
  type RetryOptions,
} from 'kafkajs';
import type { Logger } from 'winston';
import { cacheGroupCoordinators } from './coordinator-cache';
import { stopIdleRequestQueueTimers } from './request-queue-idle';

// kafkajs's Cluster class has no public export or types; its module path is stable across 2.x.
type KafkajsCluster = Parameters<typeof cacheGroupCoordinators>[0];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsCluster = require('kafkajs/src/cluster') as KafkajsCluster;
cacheGroupCoordinators(kafkajsCluster);
// The same holds for its RequestQueue (one per broker connection).
type KafkajsRequestQueue = Parameters<typeof stopIdleRequestQueueTimers>[0];
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsRequestQueue = require('kafkajs/src/network/requestQueue') as KafkajsRequestQueue;
stopIdleRequestQueueTimers(kafkajsRequestQueue);

export type { Admin, Consumer, Kafka, Producer };

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
  readonly retry?: RetryOptions;
}

/** Exponential backoff from 300 ms up to 30 s between attempts, 8 retries (about 1 min). */
export const DEFAULT_RETRY: RetryOptions = {
  initialRetryTime: 300,
  maxRetryTime: 30_000,
  retries: 8,
};

const toWinstonLevel = (level: logLevel): string => {
  switch (level) {
    case logLevel.ERROR:
      return 'error';
    case logLevel.WARN:
      return 'warn';
    case logLevel.INFO:
      return 'info';
    default:
      return 'debug';
  }
};

/** The most verbose kafkajs level the winston logger would actually print. */
export function kafkaLogLevelFor(winstonLevel: string): logLevel {
  switch (winstonLevel) {
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
    case 'http':
    case 'verbose':
      return logLevel.INFO;
    default:
      return logLevel.DEBUG;
  }
}

/**
 * Error responses kafkajs logs at ERROR although it handles them itself:
 * - a heartbeat answered "rebalancing" just makes the consumer rejoin, every time a member
 *   comes or goes;
 * - CONCURRENT_TRANSACTIONS right after a commit (the previous markers are still being
 *   written) is retried after a short backoff (TRANSACTION_RETRY), on every busy partition.
 */
const ROUTINE_ERROR_RESPONSE =
  /group is rebalancing|another concurrent operation on the same transaction/i;
const ROUTINE_NAMESPACES = new Set(['Connection', 'Producer']);

/** Whether kafkajs's ERROR entry is one of the answers it retries by design. */
export function isRoutineKafkaError(namespace: string, error: unknown): boolean {
  return ROUTINE_NAMESPACES.has(namespace) && ROUTINE_ERROR_RESPONSE.test(String(error ?? ''));
}

/** Forwards kafkajs log entries into winston at the matching level. */
export function kafkaLogCreator(logger: Logger) {
  const kafkaLogger = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry): void => {
      // kafkajs adds its own timestamp and logger name; winston adds ours.
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const routine = level === logLevel.ERROR && isRoutineKafkaError(namespace, extra.error);
      kafkaLogger.log(routine ? 'info' : toWinstonLevel(level), String(message), {
        namespace,
        ...extra,
      });
    };
}

export function createKafka({ brokers, clientId, logger, retry }: KafkaOptions): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: retry ?? DEFAULT_RETRY,
    logLevel: kafkaLogLevelFor(logger.level),
    logCreator: kafkaLogCreator(logger),
  });
}

/**
 * An idempotent producer (one request in flight keeps per-partition order across retries;
 * `send` defaults to acks=all, which idempotence requires). As kafkajs advises for idempotence,
 * a send retries until it succeeds (backing off up to `maxRetryTime`) instead of giving up and
 * leaving the caller to resend out of sequence; connecting still gives up after the client's
 * retries. Keys hash with the Java-compatible murmur2 partitioner, so a company lands on the
 * same partition number as in Debezium's topics.
 */
export function createProducer(kafka: Kafka, options: ProducerConfig = {}): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: Number.MAX_SAFE_INTEGER },
    ...options,
  });
}

export function createConsumer(
  kafka: Kafka,
  options: ConsumerConfig & { readonly groupId: string },
): Consumer {
  // A crashed member's partitions move after the session timeout: 10 s, not kafkajs's 30 s.
  // Fetches are capped below kafkajs's defaults (1 MB a partition, 10 MB a fetch): a stage
  // works in slices of a few hundred records, and a fetch of tens of thousands of records
  // only sat in memory (one Buffer per key, value and header each).
  return kafka.consumer({
    allowAutoTopicCreation: false,
    sessionTimeout: 10_000,
    maxBytesPerPartition: 256 * 1024,
    maxBytes: 4 * 1024 * 1024,
    ...options,
  });
}
