/**
 * Process lifecycle: start the parts of a service in order, and on SIGTERM/SIGINT stop them
 * in reverse order within a time limit. The exit code says whether shutdown was clean.
 */
import type { Logger } from 'winston';
import { ConfigError } from './config';
import { describeError } from './logger';

/** Something started that must be stopped on shutdown. */
export interface LifecyclePart {
  readonly name: string;
  stop(): Promise<void>;
}

export type ShutdownSignal = 'SIGTERM' | 'SIGINT';
export const SHUTDOWN_SIGNALS: readonly ShutdownSignal[] = ['SIGTERM', 'SIGINT'];

/** The process side effects, injectable so tests never signal or exit jest itself. */
export interface ProcessHooks {
  onSignal(signal: ShutdownSignal, listener: () => void): void;
  exit(code: number): void;
}

export const processHooks: ProcessHooks = {
  onSignal: (signal, listener) => {
    process.on(signal, listener);
  },
  // Let log lines written this tick reach stdout before the process goes.
  exit: (code) => {
    process.exitCode = code;
    setImmediate(() => process.exit(code));
  },
};

export interface RunServiceOptions {
  readonly name: string;
  readonly logger: Logger;
  /** Longer than this from the signal to the last stopped part means exit 1. */
  readonly shutdownTimeoutMs: number;
  /** Starts the service; resolves to its parts in start order (they stop in reverse). */
  start(): Promise<readonly LifecyclePart[]>;
  readonly hooks?: Partial<ProcessHooks>;
}

/** Logs a start-up failure as one line: a ConfigError needs its message, not a stack. */
export function logStartupFailure(logger: Logger, name: string, error: unknown): void {
  if (error instanceof ConfigError) {
    logger.error(error.message, { event: 'startup_failed', service: name });
  } else {
    logger.error(`${name} failed to start`, {
      event: 'startup_failed',
      error: describeError(error),
    });
  }
}

/**
 * Runs a service until it is told to stop. Resolves with the exit code once `exit` has been
 * called: 0 after a clean shutdown; 1 after a failed start, a failed stop or a timeout.
 */
export function runService(options: RunServiceOptions): Promise<number> {
  const { name, logger, shutdownTimeoutMs } = options;
  const hooks: ProcessHooks = { ...processHooks, ...options.hooks };

  let parts: readonly LifecyclePart[] | undefined;
  let shutdownRequested: ShutdownSignal | undefined;
  let shutdownStarted = false;
  let timer: NodeJS.Timeout | undefined;
  let exitCode: number | undefined;
  let resolveExited!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExited = resolve));

  const exit = (code: number): void => {
    if (exitCode !== undefined) return;
    exitCode = code;
    clearTimeout(timer);
    hooks.exit(code);
    resolveExited(code);
  };

  const stopAll = async (startedParts: readonly LifecyclePart[]): Promise<void> => {
    let failed = false;
    for (const part of [...startedParts].reverse()) {
      if (exitCode !== undefined) return; // timed out meanwhile
      const began = Date.now();
      logger.info(`stopping ${part.name}`, { event: 'part_stopping', part: part.name });
      try {
        await part.stop();
        logger.info(`stopped ${part.name}`, {
          event: 'part_stopped',
          part: part.name,
          durationMs: Date.now() - began,
        });
      } catch (error) {
        failed = true;
        logger.error(`failed to stop ${part.name}`, {
          event: 'part_stop_failed',
          part: part.name,
          error: describeError(error),
        });
      }
    }
    if (exitCode !== undefined) return;
    if (failed) {
      logger.error(`${name} shut down with errors`, { event: 'shutdown_failed' });
      exit(1);
    } else {
      logger.info(`${name} shut down cleanly`, { event: 'shutdown_complete' });
      exit(0);
    }
  };

  const beginShutdown = (): void => {
    if (shutdownStarted || parts === undefined) return;
    shutdownStarted = true;
    void stopAll(parts);
  };

  const onSignal = (signal: ShutdownSignal): void => {
    if (shutdownRequested !== undefined) {
      logger.warn(`received ${signal} while shutting down; ignoring it`, {
        event: 'signal_ignored',
        signal,
      });
      return;
    }
    shutdownRequested = signal;
    logger.info(`received ${signal}; shutting down`, {
      event: 'shutdown_started',
      signal,
      timeoutMs: shutdownTimeoutMs,
    });
    // Not unref'd: a stop that never settles must still end in exit 1, not a silent exit 0.
    timer = setTimeout(() => {
      logger.error(`shutdown did not finish within ${shutdownTimeoutMs} ms`, {
        event: 'shutdown_timeout',
        timeoutMs: shutdownTimeoutMs,
      });
      exit(1);
    }, shutdownTimeoutMs);
    if (parts === undefined) {
      logger.info('start-up still in progress; stopping once it completes', {
        event: 'shutdown_deferred',
      });
    }
    beginShutdown();
  };

  for (const signal of SHUTDOWN_SIGNALS) hooks.onSignal(signal, () => onSignal(signal));

  const began = Date.now();
  options.start().then(
    (started) => {
      parts = started;
      if (exitCode !== undefined) return;
      logger.info(`${name} started`, {
        event: 'started',
        parts: started.map((part) => part.name),
        durationMs: Date.now() - began,
      });
      if (shutdownRequested !== undefined) beginShutdown();
    },
    (error: unknown) => {
      logStartupFailure(logger, name, error);
      exit(1);
    },
  );

  return exited;
}
