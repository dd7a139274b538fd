/**
 * The bare door: the ceiling of this machine for a signed webhook. A plain `node:http` server
 * that reads the body, verifies the legacy `x-signature` with ingress's own verifier and the
 * same secret, and answers 202 `{"status":"enqueued"}` (401 when the signature fails): no
 * framework, no database, no Kafka. It runs in a child process of its own (bare-main.ts), as
 * ingress and the baseline's door do, so it shares an event loop with nothing.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { Verifier } from '@bgs/ingress/dist/webhooks/signatures';
import { managed, type ManagedProcess } from '../../../baseline/processes';
import { LEGACY_SOURCE } from '../../traffic/webhook-client';

/** The child reads the secret here: in the environment, never on argv (as the baseline's). */
export const BARE_SECRET_ENV = 'BGS_BARE_DOOR_SECRET';
/** ingress's defaults (WEBHOOK_TOLERANCE_MS, WEBHOOK_BODY_LIMIT_BYTES), so both refuse alike. */
const TOLERANCE_MS = 5 * 60_000;
const BODY_LIMIT_BYTES = 256 * 1024;
const READY_DEADLINE_MS = 10_000;
const STOP_GRACE_MS = 2_000;

export interface BareDoorOptions {
  readonly secret: string;
  readonly verify: Verifier;
  readonly now?: () => number;
}

const ANSWERS = {
  202: JSON.stringify({ status: 'enqueued' }),
  401: JSON.stringify({ error: 'unauthorized' }),
  413: JSON.stringify({ error: 'too_large' }),
} as const;

function answer(res: http.ServerResponse, status: keyof typeof ANSWERS): void {
  const body = ANSWERS[status];
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Whatever the method and path: everything it receives is a delivery to verify. */
export function bareDoorHandler(options: BareDoorOptions): http.RequestListener {
  const now = options.now ?? Date.now;
  return (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > BODY_LIMIT_BYTES) return answer(res, 413);
      const verification = options.verify(
        {
          rawBody: Buffer.concat(chunks),
          header: (name) => {
            const value = req.headers[name];
            return Array.isArray(value) ? value.join(', ') : value;
          },
        },
        { secrets: [options.secret], nowMs: now(), toleranceMs: TOLERANCE_MS },
      );
      answer(res, verification.ok ? 202 : 401);
    });
  };
}

export interface RunningBareDoor {
  readonly url: string;
  readonly process: ManagedProcess;
}

/** Resolves with the port the child reports over IPC; rejects if it exits or stays silent. */
function reportedPort(child: ReturnType<typeof fork>): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`the bare door reported no port in ${READY_DEADLINE_MS} ms`)),
      READY_DEADLINE_MS,
    );
    const onMessage = (message: unknown) => {
      const port = (message as { port?: unknown } | null)?.port;
      if (typeof port === 'number') finish(undefined, port);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`the bare door exited during startup (code ${code})`));
    function finish(error: Error | undefined, port?: number) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(port as number);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/**
 * Forks bare-main.js. The IPC channel stays open: the child stops when it closes (this process
 * gone), so an interrupted bench leaves no door behind. `process.stop()` ends it: SIGTERM,
 * then SIGKILL.
 */
export async function startBareDoor(secret: string): Promise<RunningBareDoor> {
  const child = fork(path.join(__dirname, 'bare-main.js'), [], {
    env: { ...process.env, [BARE_SECRET_ENV]: secret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const door = managed('bare-door', child, STOP_GRACE_MS);
  try {
    const port = await reportedPort(child);
    return { url: `http://127.0.0.1:${port}/webhooks/${LEGACY_SOURCE}`, process: door };
  } catch (error) {
    await door.stop();
    throw error;
  }
}
