/**
 * The real ingress process (services/ingress/dist/main.js) on a free port against the stack,
 * for what only the process shows: signals, shutdown order, node:cluster workers. Its JSON log
 * lines are parsed as they arrive, so a test waits on an event instead of a sleep.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './ports';
import { repoRoot, serviceEnv } from './stack';
import { waitFor } from './wait';

export interface IngressLogLine {
  readonly level: string;
  readonly message: string;
  readonly event?: string;
  readonly [key: string]: unknown;
}

export interface IngressProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: number;
  readonly url: string;
  /** stdout's JSON lines so far, parsed; a line that does not parse goes to `stderr`. */
  readonly lines: readonly IngressLogLine[];
  /** The exit code, once it has exited (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr, to show that no secret was printed. */
  output(): string;
  /** What it wrote to stderr, for a failure's description. */
  stderr(): string;
  /** Resolves once /readyz answers 200. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGKILL unless it has exited: afterAll's safety net, so no process outlives the test. */
  kill(): void;
}

export async function spawnIngress(
  sourcesFile: string,
  env: Readonly<Record<string, string>> = {},
): Promise<IngressProcess> {
  const entry = path.join(repoRoot, 'services', 'ingress', 'dist', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [entry], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      ...serviceEnv(port),
      WEBHOOK_SOURCES_FILE: sourcesFile,
      LOG_LEVEL: 'info',
      ...env,
    },
  });
  const lines: IngressLogLine[] = [];
  const errors: string[] = [];
  let output = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    pending += chunk.toString();
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    for (const line of complete.filter((l) => l.startsWith('{'))) {
      try {
        lines.push(JSON.parse(line) as IngressLogLine);
      } catch {
        errors.push(`unparsed stdout line: ${line}`);
      }
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    errors.push(chunk.toString());
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    child,
    port,
    url,
    lines,
    exited,
    output: () => output,
    stderr: () => errors.join(''),
    ready: (timeoutMs = 60_000) =>
      waitFor(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, {
        timeoutMs,
        description: `ingress to become ready on ${port}`,
      }).then(() => undefined),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
