/**
 * kafkajs's send across brokers, as patched (patches/kafkajs+2.2.4.patch, patches/README.md):
 * when a partition's leader dies mid-send and the partition moves to a broker that already
 * acknowledged others, the retry must still write it. Unpatched, the send resolved without it
 * (tulios/kafkajs#1303): a stage's transaction then committed its input offsets with an output
 * missing, and a webhook was answered 202 without its record. The cluster here is a stand-in
 * for kafkajs's own: leaders, brokers and their answers, so the move happens on cue.
 */
import { KafkaJSConnectionError } from 'kafkajs';

interface ProduceRequest {
  readonly topicData: readonly {
    readonly topic: string;
    readonly partitions: readonly { readonly partition: number; readonly messages: unknown[] }[];
  }[];
}

type SendMessages = (options: {
  acks: number;
  timeout?: number;
  topicMessages: readonly { topic: string; messages: readonly { partition: number }[] }[];
}) => Promise<readonly { topicName: string; partition: number }[]>;

// kafkajs's internals have no types; the module paths are stable across 2.x (client.ts).
/* eslint-disable @typescript-eslint/no-require-imports */
const createSendMessages = require('kafkajs/src/producer/sendMessages') as (
  deps: object,
) => SendMessages;
const createRetry = require('kafkajs/src/retry') as (options: object) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */

const TOPIC = 'company-touches';

/** Partitions 0 and 1 led by brokers 1 and 2; broker 2 dies once, and partition 1 moves to 1. */
function clusterLosingBroker2() {
  const leaders = new Map([
    [0, 1],
    [1, 2],
  ]);
  const written: { nodeId: number; partition: number }[] = [];
  let broker2Alive = true;
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: ProduceRequest) {
      if (nodeId === 2 && broker2Alive) {
        broker2Alive = false;
        throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', {
          broker: 'b2:2',
        });
      }
      const partitions = topicData.flatMap((t) => t.partitions.map((p) => p.partition));
      for (const partition of partitions) written.push({ nodeId, partition });
      return {
        topics: topicData.map((t) => ({
          topicName: t.topic,
          partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode: 0 })),
        })),
      };
    },
  });
  const brokers = new Map([
    [1, broker(1)],
    [2, broker(2)],
  ]);
  const metadata = () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader }));
  const cluster = {
    refreshMetadataIfNecessary: async () => undefined,
    // What the controller says once broker 2 is fenced: its partition is led by broker 1.
    refreshMetadata: async () => {
      if (!broker2Alive) leaders.set(1, 1);
    },
    addMultipleTargetTopics: async () => undefined,
    isConnected: () => true,
    removeBroker: () => undefined,
    findTopicPartitionMetadata: metadata,
    findLeaderForPartitions: (_topic: string, partitions: readonly (string | number)[]) => {
      const byLeader: Record<number, number[]> = {};
      for (const id of partitions) {
        const leader = leaders.get(Number(id)) as number;
        (byLeader[leader] ??= []).push(Number(id));
      }
      return byLeader;
    },
    findBroker: async ({ nodeId }: { nodeId: number | string }) => brokers.get(Number(nodeId)),
  };
  return { cluster, written };
}

const idempotentNonTransactional = {
  isTransactional: () => false,
  acquireBrokerLock: async () => undefined,
  releaseBrokerLock: async () => undefined,
  getSequence: () => 0,
  updateSequence: () => undefined,
  getProducerId: () => -1,
  getProducerEpoch: () => 0,
};

const silent = { debug: () => undefined, error: () => undefined, warn: () => undefined };

function sendMessagesOn(cluster: object): SendMessages {
  return createSendMessages({
    logger: silent,
    cluster,
    partitioner: ({ message }: { message: { partition: number } }) => message.partition,
    eosManager: idempotentNonTransactional,
    retrier: createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 }),
  });
}

describe('kafkajs send across brokers (patched)', () => {
  it('writes a partition that moved to a broker which had already answered, and reports it', async () => {
    const { cluster, written } = clusterLosingBroker2();
    const sent = await sendMessagesOn(cluster)({
      acks: -1,
      topicMessages: [{ topic: TOPIC, messages: [{ partition: 0 }, { partition: 1 }] }],
    });

    expect(written).toEqual([
      { nodeId: 1, partition: 0 },
      { nodeId: 1, partition: 1 },
    ]);
    expect(sent.map((r) => [r.topicName, Number(r.partition)]).sort()).toEqual([
      [TOPIC, 0],
      [TOPIC, 1],
    ]);
  });
});
