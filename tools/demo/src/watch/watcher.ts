/**
 * Watches the pipeline's output from the end: `buyer-group.changes` (what changed in a saved
 * group) and `buyer-groups` (the saved state, with the origins that give freshness). A fresh
 * consumer group per run, no committed offsets (nothing ever resumes it), and `ready` only once
 * the group has its partitions, so no change the demo makes can land before the watcher looks.
 */
import { Topics, createConsumer, type Consumer, type Kafka, type SchemaCodec } from '@bgs/platform';
import type { IMemberAssignment } from 'kafkajs';
import type { z } from '@bgs/platform';
import {
  buyerGroupChangeSchema,
  buyerGroupStateSchema,
  type BuyerGroupChangeRecord,
  type BuyerGroupStateRecord,
} from './records';

export const WATCHED_TOPICS = [Topics.buyerGroupChanges, Topics.buyerGroups] as const;

export interface WatchHandlers {
  readonly onChange: (record: BuyerGroupChangeRecord) => void;
  readonly onState: (record: BuyerGroupStateRecord) => void;
  /** A record that would not decode or does not have the expected shape; watching goes on. */
  readonly onBadRecord: (topic: string, error: unknown) => void;
}

export interface WatchOptions {
  readonly kafka: Kafka;
  readonly codec: SchemaCodec;
  readonly groupId: string;
  readonly joinTimeoutMs: number;
  readonly handlers: WatchHandlers;
}

export interface Watcher {
  stop(): Promise<void>;
}

/** Resolves with the assignment at the first GROUP_JOIN; rejects on a crash or the timeout. */
function firstJoin(consumer: Consumer, timeoutMs: number): Promise<IMemberAssignment> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      removeJoin();
      removeCrash();
      reject(new Error(`the watcher got no partitions within ${timeoutMs} ms`));
    }, timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      removeJoin();
      removeCrash();
    };
    const removeJoin = consumer.on(consumer.events.GROUP_JOIN, (event) => {
      settle();
      resolve(event.payload.memberAssignment);
    });
    const removeCrash = consumer.on(consumer.events.CRASH, (event) => {
      settle();
      reject(event.payload.error);
    });
  });
}

function decodeWith<S extends z.ZodType>(codec: SchemaCodec, schema: S) {
  return async (value: Buffer): Promise<z.output<S>> => schema.parse(await codec.decode(value));
}

export async function startWatcher(options: WatchOptions): Promise<Watcher> {
  const { kafka, codec, handlers } = options;
  const consumer = createConsumer(kafka, { groupId: options.groupId, maxWaitTimeInMs: 500 });
  const joined = firstJoin(consumer, options.joinTimeoutMs);
  // A rejection before we await it must not surface as unhandled.
  joined.catch(() => undefined);
  const decodeChange = decodeWith(codec, buyerGroupChangeSchema);
  const decodeState = decodeWith(codec, buyerGroupStateSchema);

  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...WATCHED_TOPICS], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, message }) => {
        if (message.value === null) return; // a tombstone on the compacted topic
        try {
          if (topic === Topics.buyerGroupChanges)
            handlers.onChange(await decodeChange(message.value));
          else handlers.onState(await decodeState(message.value));
        } catch (error) {
          handlers.onBadRecord(topic, error);
        }
      },
    });
    const assignment = await joined;
    const missing = WATCHED_TOPICS.filter((topic) => (assignment[topic] ?? []).length === 0);
    if (missing.length > 0)
      throw new Error(`the watcher got no partitions of ${missing.join(', ')}`);
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw error;
  }
  return { stop: () => consumer.disconnect() };
}
