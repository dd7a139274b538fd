/**
 * Faults applied to the running local stack: signals to a part's process (its pid file under
 * the stack's run directory), stops and starts through `deploy/local/stack`, and the local
 * provider's fault API. Each returns once the fault is lifted and the part is back.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FaultAction } from './plan';

const run = promisify(execFile);

export interface StackControl {
  /** Applies the fault and lifts it; resolves with when it was lifted (epoch ms). */
  apply(action: FaultAction): Promise<number>;
}

export interface StackControlOptions {
  readonly repoRoot: string;
  /** The stack's folder (BGS_STACK_DIR, default `<repo>/.stack`). */
  readonly stackDir: string;
  readonly providerUrl: string;
  readonly log: (line: string) => void;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until the process is gone (a SIGTERM'd service finishes its batch first). */
async function untilGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`process ${pid} still running after ${timeoutMs} ms`);
    await delay(50);
  }
}

export function createStackControl(options: StackControlOptions): StackControl {
  const script = path.join(options.repoRoot, 'deploy/local/stack');
  const stack = async (command: string, part: string): Promise<void> => {
    await run('bash', [script, command, part], {
      cwd: options.repoRoot,
      env: { ...process.env, BGS_STACK_DIR: options.stackDir },
      maxBuffer: 16 * 1024 * 1024,
    });
  };
  const pidOf = async (part: string): Promise<number> => {
    const text = await readFile(path.join(options.stackDir, 'run', `${part}.pid`), 'utf8');
    const pid = Number(text.trim().split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no pid for ${part}: ${text}`);
    return pid;
  };
  const providerFaults = async (faults: object): Promise<void> => {
    const response = await fetch(`${options.providerUrl}/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(faults),
    });
    if (!response.ok)
      throw new Error(`provider faults: ${response.status} ${await response.text()}`);
  };

  return {
    async apply(action) {
      switch (action.kind) {
        case 'signal': {
          const pid = await pidOf(action.part);
          process.kill(pid, action.signal);
          await untilGone(pid, 60_000);
          const lifted = Date.now();
          await stack('start', action.part);
          return lifted;
        }
        case 'restart': {
          await stack('stop', action.part);
          const lifted = Date.now();
          await stack('start', action.part);
          return lifted;
        }
        case 'outage': {
          await stack('stop', action.part);
          options.log(`  ${action.part} down for ${action.seconds} s`);
          await delay(action.seconds * 1_000);
          const lifted = Date.now();
          await stack('start', action.part);
          return lifted;
        }
        case 'provider': {
          await providerFaults(action.faults);
          await delay(action.seconds * 1_000);
          await providerFaults({ failRate: 0, latencyMs: 0 });
          return Date.now();
        }
      }
    },
  };
}
