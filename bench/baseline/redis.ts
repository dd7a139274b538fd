/**
 * The bench's own Redis for BullMQ: Debian's redis-server on a private loopback port, data and
 * log under the stack dir, no persistence (a run's queue is worth nothing afterwards), started
 * as a child, ready when it answers PING, stopped by PID. Another Redis on the machine (6379) is
 * never used.
 */
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { managed, spawnLogged, stopChild, waitUntilReady, type ManagedProcess } from './processes';

export const DEFAULT_REDIS_BINARY = '/usr/bin/redis-server';

export interface RedisOptions {
  readonly stackDir: string;
  readonly port: number;
  readonly binary?: string;
  readonly readyDeadlineMs?: number;
}

export const redisDataDir = (stackDir: string) => path.join(stackDir, 'data', 'bench-redis');
export const redisLogFile = (stackDir: string) => path.join(stackDir, 'logs', 'bench-redis.log');
export const redisPidFile = (stackDir: string) => path.join(stackDir, 'run', 'bench-redis.pid');

/** The command line: loopback only, no RDB or AOF, BullMQ's required no-eviction policy. */
export function redisServerArgs(port: number, dataDir: string, logFile: string): string[] {
  return [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--protected-mode', 'yes',
    '--daemonize', 'no',
    '--save', '',
    '--appendonly', 'no',
    '--maxmemory-policy', 'noeviction',
    '--dir', dataDir,
    '--logfile', logFile,
  ]; // prettier-ignore
}

/** One PING over a fresh connection: true only on +PONG. */
export function pingRedis(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ready: boolean) => {
      socket.destroy();
      resolve(ready);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

/** True when something accepts connections on the port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A Redis this bench started earlier and never stopped (its starter was killed): its PID is in
 * the PID file and its process title names our port. Only that one is stopped; anything else on
 * the port is left alone and reported.
 */
async function stopLeftover(stackDir: string, port: number): Promise<boolean> {
  let pid: number;
  try {
    pid = Number(readFileSync(redisPidFile(stackDir), 'utf8').trim());
    const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!title.includes('redis-server') || !title.includes(`:${port}`)) return false;
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  const giveUpAt = Date.now() + 5_000;
  while ((await portInUse(port)) && Date.now() < giveUpAt) await delay(50);
  return !(await portInUse(port));
}

function checkBinary(binary: string): void {
  try {
    accessSync(binary, constants.X_OK);
  } catch {
    throw new Error(`${binary} not found: the baseline needs Redis (apt-get install redis-server)`);
  }
}

export async function startRedis(options: RedisOptions): Promise<ManagedProcess> {
  const binary = options.binary ?? DEFAULT_REDIS_BINARY;
  checkBinary(binary);
  const { stackDir, port } = options;
  if ((await portInUse(port)) && !(await stopLeftover(stackDir, port))) {
    throw new Error(`port ${port} is already taken; set BGS_BENCH_REDIS_PORT to use another`);
  }
  const dataDir = redisDataDir(stackDir);
  const logFile = redisLogFile(stackDir);
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(path.dirname(redisPidFile(stackDir)), { recursive: true });
  const child = spawnLogged({
    name: 'baseline-redis',
    command: binary,
    args: redisServerArgs(port, dataDir, logFile),
    logFile,
  });
  writeFileSync(redisPidFile(stackDir), `${child.pid}\n`);
  const forget = () => rmSync(redisPidFile(stackDir), { force: true });
  try {
    await waitUntilReady(
      { what: 'baseline-redis', child, logFile, deadlineMs: options.readyDeadlineMs ?? 10_000 },
      () => pingRedis(port),
    );
  } catch (error) {
    await stopChild(child, 2_000);
    forget();
    throw error;
  }
  const redis = managed('baseline-redis', child);
  return { ...redis, stop: () => redis.stop().then(forget) };
}
