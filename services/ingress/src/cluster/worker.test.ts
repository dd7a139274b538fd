import { EventEmitter } from 'node:events';
import { isMetricsReply, isMetricsRequest, METRICS_REPLY, METRICS_REQUEST } from './ipc';
import { requestClusterMetrics, type PrimaryChannel } from './worker';

/** A channel whose primary answers as `answer` says; what the worker sent is kept. */
function fakeChannel(answer: (id: number) => unknown): PrimaryChannel & { sent: unknown[] } {
  const events = new EventEmitter();
  const sent: unknown[] = [];
  return {
    sent,
    send: (message, callback) => {
      sent.push(message);
      callback(null);
      const reply = answer(message.id);
      if (reply !== undefined) setImmediate(() => events.emit('message', reply));
    },
    on: (event, listener) => void events.on(event, listener),
  };
}

describe('requestClusterMetrics', () => {
  it("answers with the primary's aggregate, each scrape matched to its own reply", async () => {
    const channel = fakeChannel((id) => ({ type: METRICS_REPLY, id, text: `scrape ${id}\n` }));
    const render = requestClusterMetrics(channel, 1_000);
    expect(await Promise.all([render(), render()])).toEqual(['scrape 0\n', 'scrape 1\n']);
    expect(channel.sent).toEqual([
      { type: METRICS_REQUEST, id: 0 },
      { type: METRICS_REQUEST, id: 1 },
    ]);
  });

  it("fails a scrape with the primary's error, so /metrics answers 500 rather than one worker's view", async () => {
    const channel = fakeChannel((id) => ({
      type: METRICS_REPLY,
      id,
      error: 'Operation timed out.',
    }));
    await expect(requestClusterMetrics(channel, 1_000)()).rejects.toThrow('Operation timed out.');
  });

  it('fails a scrape the primary never answers, and ignores messages that are not its replies', async () => {
    const channel = fakeChannel(() => ({ type: 'prom-client:getMetricsReq', requestId: 0 }));
    await expect(requestClusterMetrics(channel, 50)()).rejects.toThrow('did not answer');
  });

  it('fails a scrape at once when the channel to the primary is closed', async () => {
    const render = requestClusterMetrics(
      {
        send: (_message, callback) => callback(new Error('channel closed')),
        on: () => undefined,
      },
      60_000,
    );
    await expect(render()).rejects.toThrow('channel closed');
  });
});

describe('the IPC messages', () => {
  it('are told apart from node:cluster and prom-client messages', () => {
    expect(isMetricsRequest({ type: METRICS_REQUEST, id: 3 })).toBe(true);
    expect(isMetricsRequest({ type: 'prom-client:getMetricsReq', requestId: 3 })).toBe(false);
    expect(isMetricsRequest({ type: METRICS_REQUEST })).toBe(false);
    expect(isMetricsRequest('online')).toBe(false);
    expect(isMetricsReply({ type: METRICS_REPLY, id: 3, text: '' })).toBe(true);
    expect(isMetricsReply({ type: METRICS_REPLY, id: 3, error: 'x' })).toBe(true);
    expect(isMetricsReply({ type: METRICS_REPLY, id: 3 })).toBe(false);
    expect(isMetricsReply(null)).toBe(false);
  });
});
