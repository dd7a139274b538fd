/**
 * The worker's side of /metrics in a node:cluster ingress: whichever worker a scrape reaches
 * answers with the aggregate of all of them, which only the primary can gather.
 */
import { AggregatorRegistry, type Registry } from 'prom-client';
import { isMetricsReply, METRICS_REQUEST, type MetricsRequest } from './ipc';

/** The IPC channel to the primary (the worker's `process`), injectable for tests. */
export interface PrimaryChannel {
  send(message: MetricsRequest, callback: (error: Error | null) => void): void;
  on(event: 'message', listener: (message: unknown) => void): void;
}

/**
 * Longer than prom-client's own 5 s for the primary to hear from every worker, so its error
 * (naming the timeout) is the one reported rather than this one.
 */
export const CLUSTER_METRICS_TIMEOUT_MS = 7_000;

/** Renders /metrics by asking the primary for the cluster's aggregate; rejects on no answer. */
export function requestClusterMetrics(
  channel: PrimaryChannel,
  timeoutMs = CLUSTER_METRICS_TIMEOUT_MS,
): () => Promise<string> {
  let nextId = 0;
  const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void }>();
  channel.on('message', (message) => {
    if (!isMetricsReply(message)) return;
    const waiting = pending.get(message.id);
    if ('text' in message) waiting?.resolve(message.text);
    else waiting?.reject(new Error(`the cluster's metrics were not gathered: ${message.error}`));
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const settled = (): boolean => {
        clearTimeout(timer);
        return pending.delete(id);
      };
      const fail = (error: Error): void => {
        if (settled()) reject(error);
      };
      const timer = setTimeout(() => fail(new Error('the primary did not answer')), timeoutMs);
      timer.unref();
      pending.set(id, {
        resolve: (text) => {
          if (settled()) resolve(text);
        },
        reject: fail,
      });
      // With a callback a closed channel is an error here, not an 'error' event on process.
      channel.send({ type: METRICS_REQUEST, id }, (error) => {
        if (error) fail(error);
      });
    });
}

/** The worker's own process as its channel to the primary. */
export function processChannel(): PrimaryChannel {
  if (!process.send) throw new Error('not a cluster worker: no IPC channel to the primary');
  return {
    send: (message, callback) => void process.send?.(message, undefined, undefined, callback),
    on: (event, listener) => void process.on(event, listener),
  };
}

/**
 * Joins the cluster's metrics and returns the ops server's `renderMetrics`. Call it while
 * main.js loads, before the event loop turns: the primary's requests for this worker's
 * metrics (prom-client's, answered once an AggregatorRegistry exists here) that arrive before
 * a listener would be dropped, and every scrape would then wait 5 s and fail. Until the
 * service's registry is known, the worker answers with the empty global one.
 */
export function joinClusterMetrics(
  channel: PrimaryChannel = processChannel(),
): (registry: Registry) => () => Promise<string> {
  new AggregatorRegistry();
  const render = requestClusterMetrics(channel);
  return (registry) => {
    AggregatorRegistry.setRegistries(registry);
    return render;
  };
}
