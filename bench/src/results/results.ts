/**
 * Each scenario's JSON result, under bench/results/ (git-ignored): one file per run, named by
 * the scenario and the UTC time it was written, e.g. freshness-2026-12-01T04-30-00Z.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SCENARIO_NAME = /^[a-z0-9][a-z0-9-]*$/i;

/** "2026-12-01T04-30-00Z": ISO 8601 in UTC to the second, colons made safe for file names. */
export function resultTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
}

export function resultFileName(scenario: string, at: Date, attempt = 0): string {
  if (!SCENARIO_NAME.test(scenario)) {
    throw new RangeError(
      `a scenario name is letters, digits and dashes, got ${JSON.stringify(scenario)}`,
    );
  }
  return `${scenario}-${resultTimestamp(at)}${attempt > 0 ? `-${attempt + 1}` : ''}.json`;
}

/**
 * bench/: the directory of the @bgs/bench package.json above this file, whether it runs from
 * bench/src (tests) or bench/dist/src (compiled).
 */
export function benchDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === '@bgs/bench') return dir;
    }
    if (dirname(dir) === dir) throw new Error(`no @bgs/bench package.json above ${from}`);
  }
}

export const defaultResultsDir = (): string => join(benchDir(), 'results');

/** Writes the result as indented JSON and returns its path; never overwrites an earlier file. */
export function writeResult(
  scenario: string,
  result: unknown,
  dir: string = defaultResultsDir(),
  at: Date = new Date(),
): string {
  mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(result, null, 2)}\n`;
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, resultFileName(scenario, at, attempt));
    try {
      writeFileSync(path, text, { flag: 'wx' });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
