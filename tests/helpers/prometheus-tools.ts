/**
 * Where the stack keeps Debian's Prometheus and promtool (`deploy/local/stack install` unpacks
 * the package there), for the tests that check rules and dashboards or start a Prometheus.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

/** The stack's downloads: BGS_STACK_DIST, else `dist` in BGS_STACK_DIR, else `.stack/dist`. */
function stackDist(): string {
  if (process.env.BGS_STACK_DIST) return process.env.BGS_STACK_DIST;
  return path.join(process.env.BGS_STACK_DIR ?? path.join(repoRoot, '.stack'), 'dist');
}

function binary(name: 'prometheus' | 'promtool'): string {
  const file = path.join(stackDist(), 'prometheus', 'usr', 'bin', name);
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: run ./bgs install (it unpacks Debian's prometheus package)`,
    );
  }
  return file;
}

export const promtoolPath = (): string => binary('promtool');
export const prometheusPath = (): string => binary('prometheus');
