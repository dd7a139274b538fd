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

/** What a shutdown signal does, given whether one came before and whether start-up is done. */
export type SignalResponse =
  /** A second signal: shutdown is already under way. */
  | 'ignore'
  | 'shut_down'
  /** Start the clock now, but stop the parts once start-up has completed. */
  | 'shut_down_after_start';

export function respondToSignal(state: {
  readonly shutdownRequested: boolean;
  readonly started: boolean;
}): SignalResponse {
  if (state.shutdownRequested) return 'ignore';
  return state.started ? 'shut_down' : 'shut_down_after_start';
}

export interface ShutdownVerdict {
  readonly code: 0 | 1;
  readonly level: 'info' | 'error';
  readonly event: 'shutdown_complete' | 'shutdown_failed';
  readonly message: string;
}

/** How a shutdown that asked every part to stop ends: exit 1 if any part failed to. */
export function shutdownVerdict(name: string, failures: number): ShutdownVerdict {
  if (failures > 0) {
    return {
      code: 1,
      level: 'error',
      event: 'shutdown_failed',
      message: `${name} shut down with errors`,
    };
  }
  return {
    code: 0,
    level: 'info',
    event: 'shutdown_complete',
    message: `${name} shut down cleanly`,
  };
}

/**
 * Stops the parts in reverse start order, logging each, and goes on past a failure. Resolves
 * with the number that failed, or undefined when `abandoned` (the process exited meanwhile).
 */
async function stopParts(
  parts: readonly LifecyclePart[],
  logger: Logger,
  abandoned: () => boolean,
): Promise<number | undefined> {
  let failures = 0;
  for (const part of [...parts].reverse()) {
    if (abandoned()) return undefined;
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
      failures += 1;
      logger.error(`failed to stop ${part.name}`, {
        event: 'part_stop_failed',
        part: part.name,
        error: describeError(error),
      });
    }
  }
  return abandoned() ? undefined : failures;
}

/** The process's exit, once: the first code wins, and `exited` resolves with it. */
function exitOnce(hooks: ProcessHooks) {
  let exitCode: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let resolveExited!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (resolveExited = resolve));
  const exit = (code: number): void => {
    if (exitCode !== undefined) return;
    exitCode = code;
    clearTimeout(timer);
    hooks.exit(code);
    resolveExited(code);
  };
  return {
    exited,
    exit,
    hasExited: (): boolean => exitCode !== undefined,
    /** Exits 1 unless exited before `timeoutMs`. */
    deadline: (timeoutMs: number, onTimeout: () => void): void => {
      // Not unref'd: a stop that never settles must still end in exit 1, not a silent exit 0.
      timer = setTimeout(() => {
        onTimeout();
        exit(1);
      }, timeoutMs);
    },
  };
}

/**
 * Runs a service until it is told to stop. Resolves with the exit code once `exit` has been
 * called: 0 after a clean shutdown; 1 after a failed start, a failed stop or a timeout.
 */
export function runService(options: RunServiceOptions): Promise<number> {
  const { name, logger, shutdownTimeoutMs } = options;
  const hooks: ProcessHooks = { ...processHooks, ...options.hooks };
  const ending = exitOnce(hooks);
  let parts: readonly LifecyclePart[] | undefined;
  let shutdownRequested = false;
  let shutdownStarted = false;

  const beginShutdown = async (): Promise<void> => {
    if (shutdownStarted || parts === undefined) return;
    shutdownStarted = true;
    const failures = await stopParts(parts, logger, ending.hasExited);
    if (failures === undefined) return; // timed out meanwhile
    const verdict = shutdownVerdict(name, failures);
    logger.log(verdict.level, verdict.message, { event: verdict.event });
    ending.exit(verdict.code);
  };

  const onSignal = (signal: ShutdownSignal): void => {
    const response = respondToSignal({ shutdownRequested, started: parts !== undefined });
    if (response === 'ignore') {
      logger.warn(`received ${signal} while shutting down; ignoring it`, {
        event: 'signal_ignored',
        signal,
      });
      return;
    }
    shutdownRequested = true;
    logger.info(`received ${signal}; shutting down`, {
      event: 'shutdown_started',
      signal,
      timeoutMs: shutdownTimeoutMs,
    });
    ending.deadline(shutdownTimeoutMs, () =>
      logger.error(`shutdown did not finish within ${shutdownTimeoutMs} ms`, {
        event: 'shutdown_timeout',
        timeoutMs: shutdownTimeoutMs,
      }),
    );
    if (response === 'shut_down_after_start') {
      logger.info('start-up still in progress; stopping once it completes', {
        event: 'shutdown_deferred',
      });
    }
    void beginShutdown();
  };

  for (const signal of SHUTDOWN_SIGNALS) hooks.onSignal(signal, () => onSignal(signal));

  const began = Date.now();
  options.start().then(
    (started) => {
      parts = started;
      if (ending.hasExited()) return;
      logger.info(`${name} started`, {
        event: 'started',
        parts: started.map((part) => part.name),
        durationMs: Date.now() - began,
      });
      if (shutdownRequested) void beginShutdown();
    },
    (error: unknown) => {
      logStartupFailure(logger, name, error);
      ending.exit(1);
    },
  );

  return ending.exited;
}
