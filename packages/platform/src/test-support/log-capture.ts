/** Test-only: a real platform logger whose JSON lines are kept in memory. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../logger';

export type LogEntry = Record<string, unknown> & { level: string; message: string };

export interface LogCapture {
  readonly logger: Logger;
  /** The raw lines, exactly as they would reach stdout. */
  readonly lines: string[];
  readonly entries: LogEntry[];
  readonly stream: Writable;
  /** Resolves with the first entry (already written or still to come) that matches. */
  waitFor(predicate: (entry: LogEntry) => boolean): Promise<LogEntry>;
}

export function captureLogs(service = 'test-service', level = 'debug'): LogCapture {
  const lines: string[] = [];
  const entries: LogEntry[] = [];
  const waiters: { predicate: (entry: LogEntry) => boolean; resolve: (e: LogEntry) => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        lines.push(line);
        const entry = JSON.parse(line) as LogEntry;
        entries.push(entry);
        for (const waiter of [...waiters]) {
          if (waiter.predicate(entry)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(entry);
          }
        }
      }
      callback();
    },
  });
  return {
    logger: createLogger({ service, level, stream }),
    lines,
    entries,
    stream,
    waitFor: (predicate) => {
      const found = entries.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}
