/**
 * An idempotent producer replaced by a new one after a failed send, for a caller that gives up
 * on a send (ingress answers 503 at its deadline) instead of retrying it for ever.
 *
 * An idempotent producer numbers its batches per partition, and the broker accepts only the
 * next number. When a send fails after the broker wrote it (its answer lost when the broker
 * died), the producer's numbers fall behind the broker's: every later send is refused as out of
 * order, for good (seen after a Kafka restart under ingress's bounded retries), or a batch of
 * the same size is taken for the lost one and acknowledged without being written. A new
 * producer gets a new producer id, whose numbers start afresh. Retrying the same batch until it
 * lands (the services' producers) would not need this; a caller with a deadline does.
 */
import type { Producer } from 'kafkajs';

export type PublishingProducer = Pick<Producer, 'connect' | 'disconnect' | 'sendBatch'>;

export function createRenewingProducer(make: () => PublishingProducer): PublishingProducer {
  let current = make();
  let failed = false;
  let renewing: Promise<void> | undefined;

  /** Connects a new producer before the next send; the old one is let go in the background. */
  const renew = async (): Promise<void> => {
    const next = make();
    try {
      await next.connect();
    } catch (error) {
      await next.disconnect().catch(() => undefined);
      throw error;
    }
    const old = current;
    current = next;
    failed = false;
    void old.disconnect().catch(() => undefined);
  };

  return {
    connect: () => current.connect(),
    disconnect: () => current.disconnect(),
    async sendBatch(batch) {
      if (failed) {
        renewing ??= renew().finally(() => {
          renewing = undefined;
        });
        await renewing;
      }
      const producer = current;
      try {
        return await producer.sendBatch(batch);
      } catch (error) {
        // Only the producer that failed is replaced: a send still running on an older one
        // failing late says nothing about the new one.
        if (producer === current) failed = true;
        throw error;
      }
    },
  };
}
