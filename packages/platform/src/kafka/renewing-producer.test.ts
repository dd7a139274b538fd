import type { ProducerBatch } from 'kafkajs';
import { createRenewingProducer, type PublishingProducer } from './renewing-producer';

/** Fake producers, each numbered, whose sends succeed unless `failing` says otherwise. */
function producers(failing: (id: number, send: number) => boolean) {
  const made: { id: number; connects: number; disconnects: number; sends: number }[] = [];
  let refuseConnect = false;
  const make = (): PublishingProducer => {
    const state = { id: made.length + 1, connects: 0, disconnects: 0, sends: 0 };
    made.push(state);
    return {
      connect: async () => {
        if (refuseConnect) throw new Error('broker down');
        state.connects += 1;
      },
      disconnect: async () => {
        state.disconnects += 1;
      },
      sendBatch: async () => {
        state.sends += 1;
        if (failing(state.id, state.sends)) throw new Error(`producer ${state.id} failed`);
        return [];
      },
    };
  };
  return { made, make, refuseConnects: (refuse: boolean) => (refuseConnect = refuse) };
}

const batch: ProducerBatch = { topicMessages: [] };

describe('createRenewingProducer', () => {
  it('keeps one producer while sends succeed', async () => {
    const { made, make } = producers(() => false);
    const producer = createRenewingProducer(make);
    await producer.connect();
    await producer.sendBatch(batch);
    await producer.sendBatch(batch);
    expect(made.map((p) => p.sends)).toEqual([2]);
  });

  it('sends with a new, connected producer after a failed send, and lets the old one go', async () => {
    const { made, make } = producers((id, send) => id === 1 && send === 2);
    const producer = createRenewingProducer(make);
    await producer.connect();
    await producer.sendBatch(batch);
    await expect(producer.sendBatch(batch)).rejects.toThrow('producer 1 failed');
    await producer.sendBatch(batch);
    expect(made).toEqual([
      { id: 1, connects: 1, disconnects: 1, sends: 2 },
      { id: 2, connects: 1, disconnects: 0, sends: 1 },
    ]);
  });

  it('fails the send while no new producer can connect, and tries again on the next', async () => {
    const { made, make, refuseConnects } = producers((id) => id === 1);
    const producer = createRenewingProducer(make);
    await producer.connect();
    await expect(producer.sendBatch(batch)).rejects.toThrow('producer 1 failed');
    refuseConnects(true);
    await expect(producer.sendBatch(batch)).rejects.toThrow('broker down');
    refuseConnects(false);
    await producer.sendBatch(batch);
    // The one that could not connect was let go; the third sends.
    expect(made.map((p) => [p.id, p.sends, p.disconnects])).toEqual([
      [1, 1, 1],
      [2, 0, 1],
      [3, 1, 0],
    ]);
  });

  it('renews once for sends that wait on the same renewal', async () => {
    const { made, make } = producers((id) => id === 1);
    const producer = createRenewingProducer(make);
    await producer.connect();
    await expect(producer.sendBatch(batch)).rejects.toThrow();
    await Promise.all([producer.sendBatch(batch), producer.sendBatch(batch)]);
    expect(made.map((p) => p.sends)).toEqual([1, 2]);
  });

  it('disconnects the producer in use', async () => {
    const { made, make } = producers(() => false);
    const producer = createRenewingProducer(make);
    await producer.connect();
    await producer.disconnect();
    expect(made[0]?.disconnects).toBe(1);
  });
});
