/**
 * The decisions of a node:cluster ingress (INGRESS_WORKERS > 1, docs/ingress.md), pure and
 * beside their tests; primary.ts and worker.ts do the process work.
 */
import { loadConfig, type Env, type LogLevel, type ShutdownSignal } from '@bgs/platform';
import { configSchema } from '../config';

/**
 * How the primary tells a worker which slot it fills (0 to INGRESS_WORKERS - 1). Not in the
 * config schema: it is no setting, the primary assigns it, and a replacement keeps its slot's.
 */
export const WORKER_INDEX_VARIABLE = 'INGRESS_WORKER_INDEX';

/** What the primary needs of the configuration. */
export interface ClusterPlan {
  readonly workers: number;
  readonly logLevel: LogLevel;
  readonly shutdownTimeoutMs: number;
}

/**
 * The cluster to run, or undefined for one plain process: with INGRESS_WORKERS=1, and with a
 * bad configuration, which launchService then reports as it always has (one line, exit 1)
 * rather than N workers failing on it in a loop.
 */
export function clusterPlan(env: Env): ClusterPlan | undefined {
  let config;
  try {
    config = loadConfig(configSchema, env);
  } catch {
    return undefined;
  }
  if (config.INGRESS_WORKERS === 1) return undefined;
  return {
    workers: config.INGRESS_WORKERS,
    logLevel: config.LOG_LEVEL,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  };
}

/** A worker's place in the cluster; undefined in a process that is no cluster worker. */
export interface WorkerRole {
  readonly index: number;
}

export function workerRole(isWorker: boolean, env: Env): WorkerRole | undefined {
  if (!isWorker) return undefined;
  const raw = env[WORKER_INDEX_VARIABLE]?.trim() ?? '';
  if (!/^\d+$/.test(raw)) {
    throw new Error(`${WORKER_INDEX_VARIABLE} must be set by the cluster primary, got "${raw}"`);
  }
  return { index: Number(raw) };
}

/**
 * Whether this process runs the background jobs (the archive sweeper): a plain process does,
 * and in a cluster only worker 0, so N workers do not sweep N times. The sweep would be safe
 * several times over (SKIP LOCKED), only wasteful.
 */
export function runsBackgroundJobs(role: WorkerRole | undefined): boolean {
  return role === undefined || role.index === 0;
}

export interface RestartBackoff {
  /** The wait before replacing a worker that died once. */
  readonly initialMs: number;
  /** The longest wait, however often it died. */
  readonly maxMs: number;
  /** A worker that ran this long had recovered: its death starts counting again. */
  readonly stableAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = {
  initialMs: 500,
  maxMs: 30_000,
  stableAfterMs: 60_000,
};

/**
 * When to replace a worker that exited while the primary was not stopping, from the deaths
 * of its slot in a row and how long it ran: doubling waits, so a worker that cannot start
 * (Kafka down, a port taken) is retried without the primary spinning on forks.
 */
export function nextRestart(
  previousFailures: number,
  uptimeMs: number,
  backoff: RestartBackoff = DEFAULT_RESTART_BACKOFF,
): { readonly failures: number; readonly delayMs: number } {
  const failures = (uptimeMs >= backoff.stableAfterMs ? 0 : previousFailures) + 1;
  const delayMs = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1));
  return { failures, delayMs };
}

/** How a worker process ended, as node:cluster reports it. */
export interface WorkerExit {
  readonly worker: number;
  readonly pid: number | undefined;
  readonly code: number | null;
  readonly signal: string | null;
}

/** Whether a worker stopped cleanly after the primary forwarded `forwarded` to it. */
export function stoppedCleanly(exit: WorkerExit, forwarded: ShutdownSignal): boolean {
  // Killed by the very signal forwarded: it was still loading, before its handlers were
  // installed, so it had started nothing to stop. A hung worker's SIGKILL is a failure.
  return exit.code === 0 || exit.signal === forwarded;
}

/** The primary's exit code once every worker has exited after `forwarded`. */
export function shutdownExitCode(exits: readonly WorkerExit[], forwarded: ShutdownSignal): 0 | 1 {
  return exits.every((exit) => stoppedCleanly(exit, forwarded)) ? 0 : 1;
}

/** Beyond SHUTDOWN_TIMEOUT_MS, how long the primary waits for workers before SIGKILL. */
export const STOP_GRACE_MS = 5_000;

/**
 * How long after forwarding a shutdown signal the primary kills the workers left. A worker
 * exits 1 on its own after SHUTDOWN_TIMEOUT_MS; the grace only catches one that hangs anyway.
 */
export function stopDeadlineMs(shutdownTimeoutMs: number): number {
  return shutdownTimeoutMs + STOP_GRACE_MS;
}
