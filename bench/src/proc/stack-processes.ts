/**
 * The stack's processes, from the PID files deploy/local/stack writes under <stackDir>/run/
 * (`<part>.pid`, the pid and a newline; Postgres's is the postmaster's).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePidFile } from './procfs';

/** A process to sample: its name in the report and its pid. */
export interface ProcessTarget {
  readonly name: string;
  readonly pid: number;
}

/** The stack's parts in its start order; other PID files (the bench's own) come after, by name. */
export const STACK_PARTS = [
  'postgres',
  'kafka',
  'registry',
  'connect',
  'local-provider',
  'ingress',
  'refresher',
  'enricher',
  'sink',
] as const;

/**
 * As the stack script checks: a pid from a stale file may belong to another program now, so the
 * process must mention the stack directory or the repository in its command line.
 */
export function isStackProcess(stackDir: string): (pid: number) => boolean {
  const markers = [resolve(stackDir), resolve(stackDir, '..')];
  return (pid) => {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return markers.some((marker) => cmdline.includes(marker));
    } catch {
      return false;
    }
  };
}

const partOrder = (name: string): number => {
  const index = (STACK_PARTS as readonly string[]).indexOf(name);
  return index < 0 ? STACK_PARTS.length : index;
};

export function stackProcesses(
  stackDir: string,
  isOurs: (pid: number) => boolean = isStackProcess(stackDir),
): ProcessTarget[] {
  const runDir = join(stackDir, 'run');
  let files: string[];
  try {
    files = readdirSync(runDir).filter((file) => file.endsWith('.pid'));
  } catch {
    return []; // the stack is down
  }
  const targets: ProcessTarget[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(runDir, file), 'utf8');
    } catch {
      continue;
    }
    const pid = parsePidFile(text);
    if (pid !== undefined && isOurs(pid)) targets.push({ name: file.slice(0, -4), pid });
  }
  return targets.sort(
    (a, b) => partOrder(a.name) - partOrder(b.name) || a.name.localeCompare(b.name),
  );
}
