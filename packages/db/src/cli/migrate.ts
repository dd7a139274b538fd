/**
 * node packages/db/dist/cli/migrate.js [up|down [N|all]|status]
 *
 * DATABASE_URL selects the database; without it, the stack's default from
 * docs/conventions.md (port from BGS_PG_PORT). Exit code 0 on success, 1 on failure,
 * 2 on a usage error.
 */
import { migrationStatus, revertMigrations, runMigrations } from '../data-source';
import { describeDbError, describeEndpoint } from '../errors';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: migrate [up | down [N|all] | status]';

export function defaultDatabaseUrl(env: NodeJS.ProcessEnv): string {
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') return env.DATABASE_URL;
  const port = env.BGS_PG_PORT !== undefined && env.BGS_PG_PORT !== '' ? env.BGS_PG_PORT : '55432';
  return `postgres://bgs_app:bgs_app@127.0.0.1:${port}/buyergroups`;
}

function parseSteps(arg: string | undefined): number | 'all' | undefined {
  if (arg === undefined) return 1;
  if (arg === 'all') return 'all';
  if (/^[1-9][0-9]*$/.test(arg)) return Number(arg);
  return undefined;
}

/** Runs the command and returns the process exit code; never throws. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo,
): Promise<number> {
  const [command = 'up', ...rest] = argv;
  const url = defaultDatabaseUrl(env);
  let target: string;
  try {
    const ep = describeEndpoint(url);
    target = `${ep.host}:${ep.port}/${ep.database}`;
  } catch (err) {
    io.err(`migrate: DATABASE_URL: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }

  try {
    switch (command) {
      case 'up': {
        if (rest.length > 0) break;
        const applied = await runMigrations(url);
        if (applied.length === 0) io.out(`migrate up (${target}): nothing to apply`);
        for (const name of applied) io.out(`migrate up (${target}): applied ${name}`);
        return 0;
      }
      case 'down': {
        if (rest.length > 1) break;
        const steps = parseSteps(rest[0]);
        if (steps === undefined) break;
        const reverted = await revertMigrations(url, steps);
        if (reverted.length === 0) io.out(`migrate down (${target}): nothing to revert`);
        for (const name of reverted) io.out(`migrate down (${target}): reverted ${name}`);
        return 0;
      }
      case 'status': {
        if (rest.length > 0) break;
        const entries = await migrationStatus(url);
        io.out(`migrate status (${target}):`);
        for (const e of entries) io.out(`  ${e.state.padEnd(7)} ${e.name}`);
        return 0;
      }
      case '-h':
      case '--help':
      case 'help':
        io.out(USAGE);
        return 0;
      default:
        break;
    }
  } catch (err) {
    io.err(`migrate ${command} failed: ${describeDbError(err, url)}`);
    return 1;
  }
  io.err(USAGE);
  return 2;
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((code) => {
    process.exitCode = code;
  });
}
