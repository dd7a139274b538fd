/**
 * Child processes the baseline starts: spawned with their output in a log file, waited for by
 * a real readiness check with a deadline, and stopped by their own PID (SIGTERM, then SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Idempotent; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface SpawnRequest {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Open an IPC channel (node children only), for a readiness message. */
  readonly ipc?: boolean;
}

export function spawnLogged(request: SpawnRequest): ChildProcess {
  mkdirSync(path.dirname(request.logFile), { recursive: true });
  const log = openSync(request.logFile, 'a');
  try {
    const child = spawn(request.command, [...request.args], {
      env: request.env ?? process.env,
      stdio: request.ipc ? ['ignore', log, log, 'ipc'] : ['ignore', log, log],
    });
    if (child.pid === undefined)
      throw new Error(`${request.name} did not start (${request.command})`);
    return child;
  } finally {
    // The child has its own copy of the descriptor.
    closeSync(log);
  }
}

export const hasExited = (child: ChildProcess): boolean =>
  child.exitCode !== null || child.signalCode !== null;

function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  const gone = exited(child);
  process.kill(child.pid, 'SIGTERM');
  const timer = delay(graceMs, 'timeout' as const);
  if ((await Promise.race([gone.then(() => 'exited' as const), timer])) === 'timeout') {
    if (!hasExited(child)) process.kill(child.pid, 'SIGKILL');
    await gone;
  }
}

export function managed(name: string, child: ChildProcess, graceMs?: number): ManagedProcess {
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid: child.pid as number,
    stop: () => (stopping ??= stopChild(child, graceMs)),
  };
}

export interface ReadinessWait {
  readonly what: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly deadlineMs: number;
  readonly intervalMs?: number;
}

/** Polls `check` until it answers true; fails at the deadline or as soon as the child exits. */
export async function waitUntilReady(wait: ReadinessWait, check: () => Promise<boolean>) {
  const giveUpAt = Date.now() + wait.deadlineMs;
  for (;;) {
    if (hasExited(wait.child)) {
      throw new Error(
        `${wait.what} exited during startup (code ${wait.child.exitCode}); see ${wait.logFile}`,
      );
    }
    if (await check().catch(() => false)) return;
    if (Date.now() >= giveUpAt) {
      throw new Error(`${wait.what} not ready within ${wait.deadlineMs} ms; see ${wait.logFile}`);
    }
    await delay(wait.intervalMs ?? 50);
  }
}

/** Resolves when the child sends `message` over IPC; then lets the channel go. */
export function waitForMessage(wait: ReadinessWait, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      finish(new Error(`${wait.what} not ready within ${wait.deadlineMs} ms; see ${wait.logFile}`));
    }, wait.deadlineMs);
    const onMessage = (received: unknown) => {
      if (received === message) finish();
    };
    const onExit = (code: number | null) => {
      finish(new Error(`${wait.what} exited during startup (code ${code}); see ${wait.logFile}`));
    };
    function finish(error?: Error) {
      clearTimeout(timer);
      wait.child.off('message', onMessage);
      wait.child.off('exit', onExit);
      // An open channel would keep this (the parent) process alive.
      if (wait.child.connected) wait.child.disconnect();
      if (error) reject(error);
      else resolve();
    }
    wait.child.on('message', onMessage);
    wait.child.once('exit', onExit);
  });
}

/**
 * For the server and worker children: if the process that started them dies without stopping
 * them (killed, crashed), they are re-parented; then they stop themselves instead of holding
 * the ports for the next run. The parent's PID comes in BASELINE_PARENT_PID.
 */
export function stopWhenOrphaned(stop: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const parent = Number(env.BASELINE_PARENT_PID);
  if (!Number.isInteger(parent) || parent <= 0) return;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, 1_000);
  timer.unref();
}
