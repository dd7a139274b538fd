/**
 * The frame the operator CLIs share (api-keys, deliveries): a usage error exits 2 with the
 * usage, `help` prints it, a bad setting exits 1, and the command runs against one small
 * database handle (a pg Pool, or a TypeORM DataSource for entity code) that is always closed;
 * a database failure is described, never thrown.
 */
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, describeDbError } from '@bgs/db';
import { ConfigError, loadConfig, type Env, type z } from '@bgs/platform';

/** Where a CLI writes: stdout and stderr in production, arrays in tests. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A command line that cannot be run: exit code 2, with the usage. */
export class UsageError extends Error {}

/** A database handle a command runs against, and how to close it. */
export interface OpenDatabase<D> {
  readonly db: D;
  close(): Promise<void>;
}

/** Opens the handle for the CLI named `name` on the database at `url`. */
export type DatabaseOpener<D> = (url: string, name: string) => Promise<OpenDatabase<D>>;

const CONNECT_TIMEOUT_MS = 5_000;

/** A pg Pool of `size` connections; it connects on the first query. */
export const pgPool =
  (size: number): DatabaseOpener<Pool> =>
  async (url, name) => {
    const pool = new Pool({
      connectionString: url,
      max: size,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: `ingress-${name}`,
    });
    pool.on('error', () => undefined); // an idle client's error surfaces on the next query
    return { db: pool, close: () => pool.end() };
  };

/** A DataSource with the entities (packages/db) of `size` connections; it connects now. */
export const dataSource =
  (size: number): DatabaseOpener<DataSource> =>
  async (url, name) => {
    const source = createDataSource(url, {
      applicationName: `ingress-${name}`,
      poolSize: size,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    });
    await source.initialize();
    return { db: source, close: () => source.destroy() };
  };

export interface DatabaseCli<C, S extends z.ZodType<{ DATABASE_URL: string }>, D> {
  /** The program's name, first on every error line. */
  readonly name: string;
  readonly usage: string;
  /** Throws UsageError for a command line that cannot be run. */
  readonly parse: (argv: readonly string[]) => C | { readonly kind: 'help' };
  readonly config: S;
  readonly open: DatabaseOpener<D>;
  readonly run: (command: C, db: D, config: z.output<S>) => Promise<number>;
  /** The command's name in a failure line. */
  readonly kindOf: (command: C) => string;
}

/** Runs the CLI and returns its exit code; never throws for a usage, setting or database error. */
export async function runDatabaseCli<C, S extends z.ZodType<{ DATABASE_URL: string }>, D>(
  cli: DatabaseCli<C, S, D>,
  argv: readonly string[],
  io: CliIo,
  env: Env,
): Promise<number> {
  let command: C | { readonly kind: 'help' };
  try {
    command = cli.parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${cli.name}: ${error.message}`);
    io.err(cli.usage);
    return 2;
  }
  if (isHelp(command)) {
    io.out(cli.usage);
    return 0;
  }
  let config: z.output<S>;
  try {
    config = loadConfig(cli.config, env);
  } catch (error) {
    io.err(`${cli.name}: ${error instanceof ConfigError ? error.message : String(error)}`);
    return 1;
  }
  let opened: OpenDatabase<D> | undefined;
  try {
    opened = await cli.open(config.DATABASE_URL, cli.name);
    return await cli.run(command, opened.db, config);
  } catch (error) {
    io.err(
      `${cli.name} ${cli.kindOf(command)} failed: ${describeDbError(error, config.DATABASE_URL)}`,
    );
    return 1;
  } finally {
    await opened?.close().catch(() => undefined);
  }
}

const isHelp = (command: unknown): command is { readonly kind: 'help' } =>
  typeof command === 'object' &&
  command !== null &&
  (command as { kind?: unknown }).kind === 'help';

/** Runs `main` as the process's program when the file is executed. */
export function runAsProgram(main: (argv: readonly string[], io: CliIo) => Promise<number>): void {
  void main(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((code) => {
    process.exitCode = code;
  });
}
