/**
 * The node:cluster primary of an ingress with INGRESS_WORKERS > 1 (docs/ingress.md). It
 * serves nothing itself: it forks the workers, which share HTTP_PORT, keeps their number up
 * (a dead one is replaced, with backoff), forwards SIGTERM, SIGINT and SIGHUP to them, and
 * gathers their metrics for whichever of them a scrape reached.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import {
  describeError,
  processHooks,
  SHUTDOWN_SIGNALS,
  type Logger,
  type ProcessHooks,
  type ShutdownSignal,
} from '@bgs/platform';
import { isMetricsRequest, METRICS_REPLY, type MetricsReply } from './ipc';
import {
  DEFAULT_RESTART_BACKOFF,
  nextRestart,
  shutdownExitCode,
  stopDeadlineMs,
  stoppedCleanly,
  WORKER_INDEX_VARIABLE,
  type RestartBackoff,
  type WorkerExit,
} from './policy';

export interface PrimaryOptions {
  readonly workers: number;
  readonly logger: Logger;
  /** The workers' SHUTDOWN_TIMEOUT_MS; the primary waits a little longer (stopDeadlineMs). */
  readonly shutdownTimeoutMs: number;
  readonly backoff?: RestartBackoff;
  readonly hooks?: Partial<ProcessHooks>;
}

/** One worker's place: its process comes and goes, the index stays. */
interface Slot {
  readonly index: number;
  worker?: Worker;
  startedAt: number;
  failures: number;
  restart?: NodeJS.Timeout;
}

interface Stopping {
  readonly signal: ShutdownSignal;
  readonly exits: WorkerExit[];
  readonly deadline: NodeJS.Timeout;
}

class WorkerPool {
  private readonly slots: Slot[];
  private stopping?: Stopping;

  constructor(
    private readonly options: PrimaryOptions & { readonly hooks: ProcessHooks },
    private readonly exited: (code: number) => void,
  ) {
    this.slots = Array.from({ length: options.workers }, (_, index) => ({
      index,
      startedAt: 0,
      failures: 0,
    }));
  }

  start(): void {
    for (const slot of this.slots) this.fork(slot);
  }

  private live(): Worker[] {
    return this.slots.flatMap((slot) => (slot.worker ? [slot.worker] : []));
  }

  private fork(slot: Slot): void {
    slot.restart = undefined;
    const worker = cluster.fork({ [WORKER_INDEX_VARIABLE]: String(slot.index) });
    slot.worker = worker;
    slot.startedAt = Date.now();
    this.options.logger.info(`worker ${slot.index} started`, {
      event: 'worker_started',
      worker: slot.index,
      pid: worker.process.pid,
      // Deaths of this slot in a row before this start, which set its backoff.
      failuresInARow: slot.failures,
    });
    worker.on('exit', (code: number | null, signal: string | null) =>
      this.onExit(slot, worker, { worker: slot.index, pid: worker.process.pid, code, signal }),
    );
    // Without a listener, an IPC error on one worker would throw in the primary.
    worker.on('error', (error: unknown) =>
      this.options.logger.warn(`worker ${slot.index}: IPC error`, {
        event: 'worker_ipc_error',
        worker: slot.index,
        error: describeError(error),
      }),
    );
  }

  private onExit(slot: Slot, worker: Worker, exit: WorkerExit): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    const { logger } = this.options;
    if (this.stopping) {
      this.stopping.exits.push(exit);
      const level = stoppedCleanly(exit, this.stopping.signal) ? 'info' : 'warn';
      logger.log(level, `worker ${exit.worker} stopped`, { event: 'worker_stopped', ...exit });
      if (this.live().length === 0) this.finish(this.stopping);
      return;
    }
    const next = nextRestart(slot.failures, Date.now() - slot.startedAt, this.options.backoff);
    slot.failures = next.failures;
    logger.error(`worker ${exit.worker} exited unexpectedly; replacing it`, {
      event: 'worker_exited',
      ...exit,
      restartInMs: next.delayMs,
    });
    slot.restart = setTimeout(() => this.fork(slot), next.delayMs);
  }

  /** SIGHUP: each worker reloads its webhook sources; one that is still starting may die of it and is replaced. */
  forward(signal: NodeJS.Signals): void {
    if (this.stopping) return;
    const workers = this.live();
    this.options.logger.info(`forwarding ${signal} to ${workers.length} workers`, {
      event: 'signal_forwarded',
      signal,
      pids: workers.map((worker) => worker.process.pid),
    });
    for (const worker of workers) worker.process.kill(signal);
  }

  stop(signal: ShutdownSignal): void {
    const { logger, shutdownTimeoutMs } = this.options;
    if (this.stopping) {
      logger.warn(`received ${signal} while shutting down; ignoring it`, {
        event: 'signal_ignored',
        signal,
      });
      return;
    }
    const timeoutMs = stopDeadlineMs(shutdownTimeoutMs);
    const workers = this.live();
    logger.info(`received ${signal}; stopping ${workers.length} workers`, {
      event: 'shutdown_started',
      signal,
      timeoutMs,
    });
    for (const slot of this.slots) clearTimeout(slot.restart);
    // Not unref'd: the primary must not exit 0 while a worker it could not stop still runs.
    const deadline = setTimeout(() => this.killLeft(timeoutMs), timeoutMs);
    this.stopping = { signal, exits: [], deadline };
    // Signals, not worker.kill(): that disconnects IPC first, and a worker would exit at
    // once instead of draining its requests as a plain process does on SIGTERM.
    for (const worker of workers) worker.process.kill(signal);
    if (workers.length === 0) this.finish(this.stopping);
  }

  private killLeft(timeoutMs: number): void {
    const workers = this.live();
    this.options.logger.error(`workers did not stop within ${timeoutMs} ms; killing them`, {
      event: 'shutdown_timeout',
      pids: workers.map((worker) => worker.process.pid),
    });
    for (const worker of workers) worker.process.kill('SIGKILL');
  }

  private finish(stopping: Stopping): void {
    clearTimeout(stopping.deadline);
    const code = shutdownExitCode(stopping.exits, stopping.signal);
    const { logger } = this.options;
    if (code === 0) {
      logger.info('ingress workers shut down cleanly', { event: 'shutdown_complete' });
    } else {
      logger.error('ingress workers shut down with errors', {
        event: 'shutdown_failed',
        exits: stopping.exits,
      });
    }
    this.options.hooks.exit(code);
    this.exited(code);
  }
}

/**
 * Answers each worker's request for the cluster's metrics with prom-client's aggregate,
 * which asks every connected worker for its registry over IPC.
 */
function serveClusterMetrics(logger: Logger): void {
  const aggregator = new AggregatorRegistry();
  const reply = (worker: Worker, message: MetricsReply): void => {
    if (!worker.isConnected()) return;
    worker.send(message, undefined, undefined, (error) => {
      if (error) logger.warn('metrics not sent to a worker', { error: describeError(error) });
    });
  };
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMetricsRequest(message)) return;
    const { id } = message;
    aggregator.clusterMetrics().then(
      (text) => reply(worker, { type: METRICS_REPLY, id, text }),
      (error: unknown) =>
        reply(worker, {
          type: METRICS_REPLY,
          id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
}

/** Runs the primary until its workers have stopped; resolves with its exit code. */
export function runPrimary(options: PrimaryOptions): Promise<number> {
  const hooks: ProcessHooks = { ...processHooks, ...options.hooks };
  const backoff = options.backoff ?? DEFAULT_RESTART_BACKOFF;
  return new Promise<number>((resolve) => {
    const pool = new WorkerPool({ ...options, backoff, hooks }, resolve);
    serveClusterMetrics(options.logger);
    for (const signal of SHUTDOWN_SIGNALS) hooks.onSignal(signal, () => pool.stop(signal));
    // Also keeps SIGHUP from ending the primary, its default action.
    process.on('SIGHUP', () => pool.forward('SIGHUP'));
    options.logger.info(`starting ${options.workers} ingress workers`, {
      event: 'cluster_starting',
      workers: options.workers,
      pid: process.pid,
    });
    pool.start();
  });
}
