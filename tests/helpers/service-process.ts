/**
 * A service as the real process (services/<name>/dist/main.js) against the stack, for what only
 * the process shows: signals, shutdown order, start-up failures, node:cluster workers. Its JSON
 * log lines are parsed as they arrive, so a test waits on an event instead of a sleep.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';
import { repoRoot, serviceEnv } from './stack';
import { waitFor } from './wait';

export interface ServiceLogLine {
  readonly level: string;
  readonly message: string;
  readonly event?: string;
  readonly [key: string]: unknown;
}

export interface ServiceProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** stdout's JSON lines so far, parsed. */
  readonly lines: readonly ServiceLogLine[];
  /** stdout lines that are not JSON: a service logs nothing else there. */
  readonly unparsed: readonly string[];
  /** The exit code, once it has exited (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr, to show that no secret was printed. */
  output(): string;
  /** What it wrote to stderr, for a failure's description. */
  stderr(): string;
  /** SIGKILL unless it has exited: afterAll's safety net, so no process outlives the test. */
  kill(): void;
}

/** Starts service `name` with PATH and `env` only, so nothing of the test's own leaks in. */
export function spawnService(name: string, env: Readonly<Record<string, string>>): ServiceProcess {
  const entry = path.join(repoRoot, 'services', name, 'dist', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  const lines: ServiceLogLine[] = [];
  const unparsed: string[] = [];
  const errors: string[] = [];
  let output = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete.filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as ServiceLogLine);
      } catch {
        unparsed.push(line);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    errors.push(chunk.toString());
  });
  return {
    child,
    lines,
    unparsed,
    exited: new Promise((resolve) => child.on('exit', resolve)),
    output: () => output,
    stderr: () => errors.join(''),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

export interface IngressProcess extends ServiceProcess {
  readonly port: number;
  readonly url: string;
  /** Resolves once /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
}

/** Ingress on a free port, with the sources in `sourcesFile`. */
export async function spawnIngress(
  sourcesFile: string,
  env: Readonly<Record<string, string>> = {},
): Promise<IngressProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const ingress = spawnService('ingress', {
    ...serviceEnv(port),
    WEBHOOK_SOURCES_FILE: sourcesFile,
    LOG_LEVEL: 'info',
    ...env,
  });
  return {
    ...ingress,
    port,
    url,
    ready: async (timeoutMs = 60_000) => {
      await waitFor(
        async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200,
        { timeoutMs, description: `ingress to become ready on ${port}` },
      );
    },
  };
}
