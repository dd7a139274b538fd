/**
 * Manages the API's bearer keys:
 *
 *   node services/ingress/dist/cli/api-keys.js create --workspace <id> --name <name> [--json]
 *   node services/ingress/dist/cli/api-keys.js create --operator --name <name> [--json]
 *   node services/ingress/dist/cli/api-keys.js list [--workspace <id> | --operator] [--json]
 *   node services/ingress/dist/cli/api-keys.js revoke <id>
 *
 * `create` prints the key once; only its SHA-256 is stored, so it cannot be shown again. A
 * workspace key reads and refreshes one workspace's companies; an operator key (no workspace)
 * reaches only the operator routes: the archive of deliveries and its replay.
 * `list` never prints keys or hashes. DATABASE_URL selects the database (default: the local
 * stack's). Exit code 0 on success, 1 on failure, 2 on a usage error.
 */
import { parseArgs } from 'node:util';
import { databaseUrlField, z, type Env } from '@bgs/platform';
import { generateApiKey } from '../api/api-keys';
import { createPgApiKeyAdminStore, type ApiKeyAdminStore, type ApiKeyRecord } from '../api/store';
import { dataSource, runAsProgram, runDatabaseCli, UsageError, type CliIo } from './run';

export const USAGE = [
  'usage: api-keys create --workspace <id> --name <name> [--json]',
  '       api-keys create --operator --name <name> [--json]',
  '       api-keys list [--workspace <id> | --operator] [--json]',
  '       api-keys revoke <id>',
].join('\n');

const cliConfigSchema = z.object({ DATABASE_URL: databaseUrlField });

const MAX_TEXT_LENGTH = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Command = { readonly kind: 'help' } | DatabaseCommand;

/** The key's workspace, or `operator` for an operator key. */
type Owner = { readonly workspace: string } | 'operator';

type DatabaseCommand =
  | { readonly kind: 'create'; owner: Owner; name: string; json: boolean }
  | { readonly kind: 'list'; owner: Owner | undefined; json: boolean }
  | { readonly kind: 'revoke'; id: string };

function text(value: string | undefined, option: string): string {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') throw new UsageError(`${option} is required`);
  if (trimmed.length > MAX_TEXT_LENGTH) {
    throw new UsageError(`${option} must be at most ${MAX_TEXT_LENGTH} characters`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new UsageError(`${option} must not contain control characters`);
  }
  return trimmed;
}

function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        workspace: { type: 'string' },
        operator: { type: 'boolean' },
        name: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help') return { kind: 'help' };
  const only = (allowed: readonly string[]): void => {
    const extra = Object.keys(values).filter((key) => !allowed.includes(key));
    if (extra.length > 0) throw new UsageError(`${command} does not take --${extra[0]}`);
  };
  switch (command) {
    case 'create': {
      only(['workspace', 'operator', 'name', 'json']);
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      const owner = ownerOf(values.workspace, values.operator);
      if (!owner) throw new UsageError('create takes --workspace <id> or --operator');
      return {
        kind: 'create',
        owner,
        name: text(values.name, '--name'),
        json: values.json === true,
      };
    }
    case 'list':
      only(['workspace', 'operator', 'json']);
      if (rest.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
      return {
        kind: 'list',
        owner: ownerOf(values.workspace, values.operator),
        json: values.json === true,
      };
    case 'revoke': {
      only([]);
      if (rest.length !== 1) throw new UsageError('revoke takes exactly one key id');
      const id = rest[0]!;
      if (!UUID.test(id)) throw new UsageError(`${JSON.stringify(id)} is not a key id (a UUID)`);
      return { kind: 'revoke', id };
    }
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** Whose key: a workspace's or the operators'; both at once is a usage error. */
function ownerOf(workspace: string | undefined, operator: boolean | undefined): Owner | undefined {
  if (workspace !== undefined && operator === true) {
    throw new UsageError('--workspace and --operator exclude each other');
  }
  if (operator === true) return 'operator';
  return workspace === undefined ? undefined : { workspace: text(workspace, '--workspace') };
}

const iso = (date: Date | null): string => (date === null ? '-' : date.toISOString());

const describeKey = (key: ApiKeyRecord) => ({
  id: key.id,
  scope: key.scope,
  workspaceId: key.workspaceId,
  name: key.name,
  prefix: key.keyPrefix,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
});

async function create(
  command: Extract<DatabaseCommand, { kind: 'create' }>,
  store: ApiKeyAdminStore,
  io: CliIo,
): Promise<number> {
  const { key, prefix, hash } = generateApiKey();
  const { owner, name } = command;
  const record =
    owner === 'operator'
      ? await store.createOperatorKey({ name, prefix, hash })
      : await store.createKey({ workspaceId: owner.workspace, name, prefix, hash });
  if (command.json) {
    io.out(JSON.stringify({ ...describeKey(record), key }));
    return 0;
  }
  io.out(
    record.workspaceId === null
      ? `created operator API key ${record.id} (the operator routes only, no workspace)`
      : `created API key ${record.id} for workspace ${record.workspaceId}`,
  );
  io.out(`  name:   ${record.name}`);
  io.out(`  prefix: ${record.keyPrefix}`);
  io.out(`  key:    ${key}`);
  io.out('store the key now: it is not shown again');
  return 0;
}

async function list(
  command: Extract<DatabaseCommand, { kind: 'list' }>,
  store: ApiKeyAdminStore,
  io: CliIo,
): Promise<number> {
  const { owner } = command;
  const keys = await store.listKeys(
    owner === undefined
      ? {}
      : owner === 'operator'
        ? { scope: 'operator' }
        : { workspaceId: owner.workspace },
  );
  if (command.json) {
    io.out(JSON.stringify(keys.map(describeKey)));
    return 0;
  }
  if (keys.length === 0) {
    io.out('no API keys');
    return 0;
  }
  const columns = ['id', 'scope', 'workspace', 'prefix', 'created', 'last used', 'revoked', 'name'];
  io.out(columns.join('\t'));
  for (const key of keys) {
    io.out(
      [
        key.id,
        key.scope,
        key.workspaceId ?? '-',
        key.keyPrefix,
        iso(key.createdAt),
        iso(key.lastUsedAt),
        iso(key.revokedAt),
        key.name,
      ].join('\t'),
    );
  }
  return 0;
}

async function run(command: DatabaseCommand, store: ApiKeyAdminStore, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'create':
      return create(command, store, io);
    case 'list':
      return list(command, store, io);
    case 'revoke': {
      const revoked = await store.revokeKey(command.id);
      if (!revoked) {
        io.err(`api-keys revoke: no API key with id ${command.id}`);
        return 1;
      }
      io.out(`revoked API key ${revoked.id} (${revoked.keyPrefix}) at ${iso(revoked.revokedAt)}`);
      return 0;
    }
  }
}

/** Runs the command and returns the exit code; never throws, never prints a hash. */
export function main(argv: readonly string[], io: CliIo, env: Env = process.env): Promise<number> {
  return runDatabaseCli(
    {
      name: 'api-keys',
      usage: USAGE,
      parse: parseCommand,
      config: cliConfigSchema,
      open: dataSource(1),
      run: (command: DatabaseCommand, db) => run(command, createPgApiKeyAdminStore(db), io),
      kindOf: (command) => command.kind,
    },
    argv,
    io,
    env,
  );
}

if (require.main === module) runAsProgram(main);
