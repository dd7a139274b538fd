/**
 * The one conversation between an ingress worker and its primary besides prom-client's own:
 * the worker that a /metrics request reached asks the primary for every worker's metrics.
 */
export const METRICS_REQUEST = 'bgs:ingress:metrics-request';
export const METRICS_REPLY = 'bgs:ingress:metrics-reply';

export interface MetricsRequest {
  readonly type: typeof METRICS_REQUEST;
  readonly id: number;
}

export type MetricsReply =
  | { readonly type: typeof METRICS_REPLY; readonly id: number; readonly text: string }
  | { readonly type: typeof METRICS_REPLY; readonly id: number; readonly error: string };

const hasType = (message: unknown, type: string): message is Record<string, unknown> =>
  typeof message === 'object' &&
  message !== null &&
  (message as Record<string, unknown>).type === type;

/** Both ends also receive node:cluster's and prom-client's messages: only these are ours. */
export function isMetricsRequest(message: unknown): message is MetricsRequest {
  return hasType(message, METRICS_REQUEST) && Number.isSafeInteger(message.id);
}

export function isMetricsReply(message: unknown): message is MetricsReply {
  return (
    hasType(message, METRICS_REPLY) &&
    Number.isSafeInteger(message.id) &&
    (typeof message.text === 'string' || typeof message.error === 'string')
  );
}
