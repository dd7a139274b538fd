/**
 * Kafka headers the stage runtime reads and writes. Everything else a message carries
 * (traceparent, replay, event-id, source, ...) passes through retries and dead letters
 * untouched.
 */
import type { IHeaders } from 'kafkajs';

export const Headers = {
  traceparent: 'traceparent',
  /**
   * On work that an operator replayed from ingress's archive (the value is the replayed
   * delivery's event id): carried from stage to stage like the trace, and kept out of the
   * freshness measure, since its change happened long before.
   */
  replay: 'replay',
  /** Deliveries so far that failed; absent on a first delivery. */
  attempt: 'bgs-attempt',
  /** Epoch ms before which the message must not be processed (retries, deferrals). */
  notBefore: 'bgs-not-before',
  originalTopic: 'bgs-original-topic',
  originalPartition: 'bgs-original-partition',
  originalOffset: 'bgs-original-offset',
  originalTimestamp: 'bgs-original-timestamp',
  error: 'bgs-error',
  errorKind: 'bgs-error-kind',
  failedAt: 'bgs-failed-at',
  failedStage: 'bgs-failed-stage',
} as const;

/** Headers about the work itself, not one delivery of it: every output inherits them. */
const CARRIED_HEADERS: readonly string[] = [Headers.traceparent, Headers.replay];

/** Headers the runtime owns: stripped before a dead letter is replayed. */
export const RUNTIME_HEADERS: readonly string[] = Object.values(Headers).filter(
  (name) => !CARRIED_HEADERS.includes(name),
);

export type HeaderMap = Readonly<Record<string, string>>;

/** kafkajs hands headers as Buffer | string | arrays; we keep the first value, as text. */
export function readHeaders(headers: IHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    result[name] = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
  }
  return result;
}

/** A non-negative integer header, or the fallback when absent or garbled. */
export function integerHeader(headers: HeaderMap, name: string, fallback: number): number {
  const raw = headers[name];
  if (raw === undefined || !/^\d{1,16}$/.test(raw)) return fallback;
  return Number(raw);
}

/** The headers an output inherits from its input: all but the runtime's own bookkeeping. */
export function passThroughHeaders(headers: HeaderMap): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!RUNTIME_HEADERS.includes(name)) result[name] = value;
  }
  return result;
}

/** Work an operator replayed: it carries the `replay` header. */
export const isReplay = (headers: HeaderMap): boolean => headers[Headers.replay] !== undefined;
