/**
 * Structured logging: one JSON object per line on stdout, with `service` and `timestamp`,
 * secrets redacted and personal data (e-mail addresses, phone numbers) masked before anything
 * is written: in the message and in every string of the metadata, at any depth, error
 * messages, stacks and causes included (docs/personal-data.md).
 */
import { isSpanContextValid, trace } from '@opentelemetry/api';
import winston from 'winston';
import type { Logger } from 'winston';
import { redactUrlCredentials } from './config';
import { maskPersonalData } from './personal-data';

export type { Logger };

export const REDACTED = '[REDACTED]';

/** Keys whose values are never logged, at any depth. */
export const SENSITIVE_KEY = /secret|password|token|signature|authorization|api[-_]?key|cookie/i;

/**
 * URL credentials → `user:***@`, then e-mail addresses → `[email]` and phone numbers →
 * `[phone]`. Credentials go first, so a password is never read as half of an address.
 */
export function maskString(value: string): string {
  return maskPersonalData(redactUrlCredentials(value));
}

const MAX_DEPTH = 12;

/**
 * A redacted deep copy: values under sensitive keys are replaced, strings are masked,
 * errors become plain objects (they would otherwise serialise as `{}`), cycles are cut.
 * The caller's objects are never modified.
 */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (typeof value === 'string') return maskString(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value;
  if (Buffer.isBuffer(value)) return `[Buffer ${value.length} bytes]`;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redact(item, seen, depth + 1));
    const source: Record<string, unknown> =
      value instanceof Error ? errorToObject(value) : (value as Record<string, unknown>);
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(source)) {
      copy[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(item, seen, depth + 1);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function errorToObject(error: Error): Record<string, unknown> {
  return {
    ...(error as unknown as Record<string, unknown>),
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined ? { stack: error.stack } : {}),
    ...(error.cause !== undefined ? { cause: error.cause } : {}),
    // not enumerable, so not in the spread: the inner errors of Promise.any and the like
    ...(error instanceof AggregateError ? { errors: error.errors } : {}),
  };
}

/**
 * The winston format that redacts an entry in place. Only the entry's own string keys are
 * touched; winston's symbol keys (level, splat) stay as they are.
 */
export const redactFormat = winston.format((info) => {
  const entry = info as unknown as Record<string, unknown>;
  for (const key of Object.keys(entry)) {
    if (key === 'level') continue;
    entry[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(entry[key]);
  }
  return info;
});

/**
 * `trace_id` and `span_id` of the span active where the line is logged, so a log line leads to
 * its trace. Without tracing no span is ever active and nothing is added. After redaction: an
 * id is hex, never personal data, and must not be mistaken for a phone number.
 */
export const traceContextFormat = winston.format((info) => {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return info;
  const entry = info as unknown as Record<string, unknown>;
  entry.trace_id = spanContext.traceId;
  entry.span_id = spanContext.spanId;
  return info;
});

export interface LoggerOptions {
  readonly service: string;
  readonly level?: string;
  /** Where the JSON lines go; stdout unless given (tests pass their own stream). */
  readonly stream?: NodeJS.WritableStream;
}

export function createLogger({ service, level = 'info', stream }: LoggerOptions): Logger {
  return winston.createLogger({
    level,
    defaultMeta: { service },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      winston.format.timestamp(),
      redactFormat(),
      traceContextFormat(),
      winston.format.json(),
    ),
    transports: [
      stream
        ? new winston.transports.Stream({ stream })
        : new winston.transports.Console({ stderrLevels: [] }),
    ],
  });
}

/** A plain, redaction-safe description of anything thrown. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) return errorToObject(error);
  return { message: String(error) };
}
